"""Credential rows. Keys are assembled from parts (`"sk" + "_live_"`) so that this file itself
does not look like a leak to push-protection scanners."""

B62 = "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2eF4hJ6kL8nP0rS2uV4xY6"
HEX = "0123456789abcdef"
B64 = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
JWT = (
    "eyJ"
    + "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    + ".eyJ"
    + "zdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ"
    + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
PEM_BODY = "MIIEpAIBAAKCAQEA" + B62 + "\n" + B62[::-1] + "\n"


def key(prefix: str, body: str) -> str:
    return prefix + body


POSITIVE = [
    (
        "id " + key("AKIA", "Q3EGUJ2GZ7BXMPL3") + " ok",
        "SECRET",
        "aws_access_key_id",
        key("AKIA", "Q3EGUJ2GZ7BXMPL3"),
    ),
    ("aws_secret_access_key = " + B64, "SECRET", "aws_secret_access_key", B64),
    ('AWS_SECRET_ACCESS_KEY="' + B64 + '"', "SECRET", "aws_secret_access_key", B64),
    ("key=" + key("AIza", "SyD" + B62[:32]), "SECRET", "google_api_key", key("AIza", "SyD" + B62[:32])),
    ("use " + key("sk-", B62[:48]), "SECRET", "openai_api_key", key("sk-", B62[:48])),
    (
        "use " + key("sk-proj-", B62 + "_-" + B62),
        "SECRET",
        "openai_api_key",
        key("sk-proj-", B62 + "_-" + B62),
    ),
    ("use " + key("sk-svcacct-", B62), "SECRET", "openai_api_key", key("sk-svcacct-", B62)),
    (
        "use " + key("sk-ant-", "api03-" + B62 + "-AA"),
        "SECRET",
        "anthropic_api_key",
        key("sk-ant-", "api03-" + B62 + "-AA"),
    ),
    ("use " + key("xai-", B62), "SECRET", "xai_api_key", key("xai-", B62)),
    ("gh " + key("ghp_", B62[:36]), "SECRET", "github_token", key("ghp_", B62[:36])),
    ("gh " + key("gho_", B62[:36]), "SECRET", "github_token", key("gho_", B62[:36])),
    ("gh " + key("ghs_", B62[:36]), "SECRET", "github_token", key("ghs_", B62[:36])),
    ("gh " + key("ghu_", B62[:36]), "SECRET", "github_token", key("ghu_", B62[:36])),
    ("gh " + key("ghr_", B62[:36]), "SECRET", "github_token", key("ghr_", B62[:36])),
    (
        "gh " + key("github_pat_", "11ABCDEFG0" + B62[:12] + "_" + B62[:59]),
        "SECRET",
        "github_fine_grained_pat",
        key("github_pat_", "11ABCDEFG0" + B62[:12] + "_" + B62[:59]),
    ),
    ("gl " + key("glpat-", B62[:20]), "SECRET", "gitlab_token", key("glpat-", B62[:20])),
    (
        "slack " + key("xoxb-", "1234567890-1234567890123-" + B62[:24]),
        "SECRET",
        "slack_token",
        key("xoxb-", "1234567890-1234567890123-" + B62[:24]),
    ),
    (
        "hook https://hooks.slack.com/services/T0000AAAA/B0000BBBB/" + B62[:24],
        "SECRET",
        "slack_webhook",
        "https://hooks.slack.com/services/T0000AAAA/B0000BBBB/" + B62[:24],
    ),
    ("stripe " + key("sk_" + "live_", B62[:24]), "SECRET", "stripe_key", key("sk_" + "live_", B62[:24])),
    ("stripe " + key("sk_" + "test_", B62[:24]), "SECRET", "stripe_key", key("sk_" + "test_", B62[:24])),
    ("stripe " + key("rk_" + "live_", B62[:24]), "SECRET", "stripe_key", key("rk_" + "live_", B62[:24])),
    (
        "sg " + key("SG.", B62[:22] + "." + B62[:43]),
        "SECRET",
        "sendgrid_api_key",
        key("SG.", B62[:22] + "." + B62[:43]),
    ),
    ("npm " + key("npm_", B62[:36]), "SECRET", "npm_token", key("npm_", B62[:36])),
    (
        "pypi " + key("pypi-", "AgEIcHlwaS5vcmc" + B62),
        "SECRET",
        "pypi_token",
        key("pypi-", "AgEIcHlwaS5vcmc" + B62),
    ),
    ("hf " + key("hf_", B62[:34]), "SECRET", "huggingface_token", key("hf_", B62[:34])),
    (
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + B62 + "ab12==;EndpointSuffix=core",
        "SECRET",
        "azure_storage_key",
        B62 + "ab12==",
    ),
    (
        "-----BEGIN RSA PRIVATE KEY-----\n" + PEM_BODY + "-----END RSA PRIVATE KEY-----",
        "SECRET",
        "rsa_private_key",
        "-----BEGIN RSA PRIVATE KEY-----\n" + PEM_BODY + "-----END RSA PRIVATE KEY-----",
    ),
    (
        "-----BEGIN EC PRIVATE KEY-----\n" + PEM_BODY + "-----END EC PRIVATE KEY-----",
        "SECRET",
        "ec_private_key",
        "-----BEGIN EC PRIVATE KEY-----\n" + PEM_BODY + "-----END EC PRIVATE KEY-----",
    ),
    (
        "-----BEGIN OPENSSH PRIVATE KEY-----\n" + PEM_BODY + "-----END OPENSSH PRIVATE KEY-----",
        "SECRET",
        "openssh_private_key",
        "-----BEGIN OPENSSH PRIVATE KEY-----\n" + PEM_BODY + "-----END OPENSSH PRIVATE KEY-----",
    ),
    (
        "-----BEGIN PRIVATE KEY-----\n" + PEM_BODY + "-----END PRIVATE KEY-----",
        "SECRET",
        "pkcs8_private_key",
        "-----BEGIN PRIVATE KEY-----\n" + PEM_BODY + "-----END PRIVATE KEY-----",
    ),
    (
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + PEM_BODY + "-----END ENCRYPTED PRIVATE KEY-----",
        "SECRET",
        "encrypted_private_key",
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + PEM_BODY + "-----END ENCRYPTED PRIVATE KEY-----",
    ),
    (
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + PEM_BODY + "=abcd\n-----END PGP PRIVATE KEY BLOCK-----",
        "SECRET",
        "pgp_private_key",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + PEM_BODY + "=abcd\n-----END PGP PRIVATE KEY BLOCK-----",
    ),
    (
        '{"key": "-----BEGIN PRIVATE KEY-----\\n' + B62 + '\\n-----END PRIVATE KEY-----\\n"}',
        "SECRET",
        "pkcs8_private_key",
        "-----BEGIN PRIVATE KEY-----\\n" + B62 + "\\n-----END PRIVATE KEY-----",
    ),
    (
        "truncated -----BEGIN RSA PRIVATE KEY-----\n" + PEM_BODY,
        "SECRET",
        "rsa_private_key",
        "-----BEGIN RSA PRIVATE KEY-----\n" + PEM_BODY.rstrip(),
    ),
    ("postgres://admin:S3cr3tPw@db.example.com:5432/app", "SECRET", "database_url_password", "S3cr3tPw"),
    ("postgresql://u:p4ss!word@h/db", "SECRET", "database_url_password", "p4ss!word"),
    ("mysql://root:rootpw12@127.0.0.1:3306/x", "SECRET", "database_url_password", "rootpw12"),
    (
        "mongodb+srv://app:Mongo%2FPw9@cluster0.example.net/db",
        "SECRET",
        "database_url_password",
        "Mongo%2FPw9",
    ),
    ("mongodb://app:MongoPw9@h1,h2/db", "SECRET", "database_url_password", "MongoPw9"),
    ("redis://:r3d1sPass@cache:6379/0", "SECRET", "database_url_password", "r3d1sPass"),
    ("rediss://default:r3d1sPass@cache:6380", "SECRET", "database_url_password", "r3d1sPass"),
    ("amqp://guest:Gu3stPw@mq:5672/", "SECRET", "database_url_password", "Gu3stPw"),
    ("amqps://svc:Svc9pw@mq/vhost", "SECRET", "database_url_password", "Svc9pw"),
    (
        "jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=Jdbc9Pass;",
        "SECRET",
        "jdbc_password",
        "Jdbc9Pass",
    ),
    ("jdbc:mysql://db:3306/app?user=root&password=Jdbc9Pass", "SECRET", "jdbc_password", "Jdbc9Pass"),
    (
        "Server=tcp:db;Database=app;User Id=sa;Password=AdoNetPw1;",
        "SECRET",
        "connection_string_password",
        "AdoNetPw1",
    ),
    ("jwt " + JWT, "SECRET", "jwt", JWT),
    ("Authorization: Bearer " + B62[:40], "SECRET", "bearer_token", B62[:40]),
    ("curl -H 'authorization: bearer " + B62[:30] + "'", "SECRET", "bearer_token", B62[:30]),
    ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "SECRET", "basic_auth", "dXNlcjpwYXNzd29yZA=="),
    ('password = "hunter2xyz"', "SECRET", "assigned_secret", "hunter2xyz"),
    ("API_KEY=ab12cd34ef56gh78", "SECRET", "assigned_secret", "ab12cd34ef56gh78"),
    ('"client_secret": "Zx9!Kq2#Lm4$"', "SECRET", "assigned_secret", "Zx9!Kq2#Lm4$"),
    ("db_password: Tr0ub4dor3", "SECRET", "assigned_secret", "Tr0ub4dor3"),
    ("export GITHUB_TOKEN=tok3nValue99", "SECRET", "assigned_secret", "tok3nValue99"),
    ("SECRET_KEY = 'DjangoS3cretKey!'", "SECRET", "assigned_secret", "DjangoS3cretKey!"),
    (
        "gateway " + key("sgw-", HEX[:12] + "-" + B62[:43]),
        "SECRET",
        "gateway_api_key",
        key("sgw-", HEX[:12] + "-" + B62[:43]),
    ),
]

NEGATIVE = [
    ("commit 3f786850e387550fdab836ed7e6dc881de23001b fixed it", "git SHA"),
    ("sha256 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", "sha256 hex digest"),
    ("id 123e4567-e89b-12d3-a456-426614174000", "UUID"),
    ("image@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", "docker digest"),
    (
        '"integrity": "sha512-' + "Q2hhbmdlZCBhcmUgbm90IGxpa2VseSB0byBtYXRjaCBhbnkgcnVsZSBoZXJlLg" + '=="',
        "npm integrity",
    ),
    (
        "![img](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==)",
        "data URI",
    ),
    ("Please reset your password and try again.", "talks about passwords"),
    ("The token expired; request a new token.", "talks about tokens"),
    ("password: str = Field(..., min_length=8)", "type annotation"),
    ("token = request.headers.get('x-token')", "expression, not literal"),
    ("password = os.environ['DB_PASSWORD']", "env lookup"),
    ('password = "${DB_PASSWORD}"', "template"),
    ("postgres://user:password@localhost/db", "documentation placeholder password"),
    ("postgres://localhost:5432/app", "URL without credentials"),
    ("sk-learn and scikit-learn", "library name"),
    ("the sk-this-is-not-a-real-key-at-all example", "slug after sk-"),
    ("max_tokens = 1024", "token count"),
    ("Authorization: Bearer <token>", "placeholder"),
    ("Authorization: Bearer [REDACTED_SECRET_1]", "our own placeholder"),
    ("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "certificate, not a key"),
    ("-----BEGIN RSA PRIVATE KEY----- (header only)", "header without body"),
    ('api_key = "your-api-key-here"', "template value"),
    ("secret_key = settings.SECRET_KEY", "attribute reference"),
]
