"""Credential rows. Keys are assembled from parts (`"sk" + "_live_"`) so that this file itself
does not look like a leak to push-protection scanners."""

import random

B62 = "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2eF4hJ6kL8nP0rS2uV4xY6"
HEX = "0123456789abcdef"
LOWER = "abcdefghijklmnopqrstuvwxyz"
ALNUM = LOWER + LOWER.upper() + "0123456789"


def rnd(alphabet: str, n: int, seed: int) -> str:
    """A fixed random-looking body: real keys are random, so test keys should be too."""
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(n))


B64 = rnd(ALNUM + "/+", 40, 1)
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
    # Markdown emphasis: one `_` on either side is no part of the token
    ("_" + key("sk_live_", B62[:24]) + "_", "SECRET", "stripe_key", key("sk_live_", B62[:24])),
    ("_" + key("AIza", "SyD" + B62[:32]) + "_", "SECRET", "google_api_key", key("AIza", "SyD" + B62[:32])),
    (
        "see _" + key("xoxb-", "1234567890-1234567890123-" + B62[:24]) + "_",
        "SECRET",
        "slack_token",
        key("xoxb-", "1234567890-1234567890123-" + B62[:24]),
    ),
    (
        "_" + key("github_pat_", "11ABCDEFG0" + B62[:12] + "_" + B62[:59]) + "_ ok",
        "SECRET",
        "github_fine_grained_pat",
        key("github_pat_", "11ABCDEFG0" + B62[:12] + "_" + B62[:59]),
    ),
    # an assignment inside HTML, and one whose value is written in character references
    ("<code>db_password: Tr0ub4dor3x</code>", "SECRET", "assigned_secret", "Tr0ub4dor3x"),
    ("<td>password=Tr0ub4dor3x</td>", "SECRET", "assigned_secret", "Tr0ub4dor3x"),
    (
        "db_password = " + "".join(f"&#{ord(c)};" for c in "Tr0ub4dor3x"),
        "SECRET",
        "assigned_secret",
        "".join(f"&#{ord(c)};" for c in "Tr0ub4dor3x"),
    ),
    (
        "aws_secret_access_key: " + "".join(f"%{ord(c):02X}" for c in B64),
        "SECRET",
        "aws_secret_access_key",
        "".join(f"%{ord(c):02X}" for c in B64),
    ),
    # a Hangul filler (invisible, a letter to Unicode) inside a key
    (
        "gh " + "\u3164".join(key("ghp_", B62[:36])[i : i + 8] for i in range(0, 40, 8)),
        "SECRET",
        "github_token",
        "\u3164".join(key("ghp_", B62[:36])[i : i + 8] for i in range(0, 40, 8)),
    ),
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
    ("postgres://admin:S3cr3tPw@db.example.com:5432/app", "SECRET", "url_password", "S3cr3tPw"),
    ("postgresql://u:p4ss!word@h/db", "SECRET", "url_password", "p4ss!word"),
    ("mysql://root:rootpw12@127.0.0.1:3306/x", "SECRET", "url_password", "rootpw12"),
    (
        "mongodb+srv://app:Mongo%2FPw9@cluster0.example.net/db",
        "SECRET",
        "url_password",
        "Mongo%2FPw9",
    ),
    ("mongodb://app:MongoPw9@h1,h2/db", "SECRET", "url_password", "MongoPw9"),
    ("redis://:r3d1sPass@cache:6379/0", "SECRET", "url_password", "r3d1sPass"),
    ("rediss://default:r3d1sPass@cache:6380", "SECRET", "url_password", "r3d1sPass"),
    ("amqp://guest:Gu3stPw@mq:5672/", "SECRET", "url_password", "Gu3stPw"),
    ("amqps://svc:Svc9pw@mq/vhost", "SECRET", "url_password", "Svc9pw"),
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
    # A person's password is short: after a password's own name, 6+ characters with a digit or a symbol.
    ("password: hunter2", "SECRET", "assigned_secret", "hunter2"),
    ("Password=hunter2", "SECRET", "assigned_secret", "hunter2"),
    ("DB_PASSWORD=s3cret", "SECRET", "assigned_secret", "s3cret"),
    ("pwd: abc123 then log in", "SECRET", "assigned_secret", "abc123"),
    ("SMTP_PASS=mail!pw", "SECRET", "assigned_secret", "mail!pw"),
    ("passcode: 482913", "SECRET", "assigned_secret", "482913"),
    ("wifi passwd=Caf3Wifi", "SECRET", "assigned_secret", "Caf3Wifi"),
    # A key's name written as two words.
    (
        "Here is my API key: 7f3b9c1e2d4a5f6b8c9d0e1f2a3b4c5d",
        "SECRET",
        "assigned_secret",
        "7f3b9c1e2d4a5f6b8c9d0e1f2a3b4c5d",
    ),
    ("Secret key = Zx9kQ2mL4pR7", "SECRET", "assigned_secret", "Zx9kQ2mL4pR7"),
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

# --- prefixed tokens of every kind in the rule table (bodies random, as real keys are) ---
TOKENS = [
    ("aws_session_token", "FwoGZXIvYXdz" + rnd(ALNUM + "/+", 120, 2)),
    ("aws_bedrock_api_key", "ABSK" + rnd(ALNUM + "/+", 120, 3)),
    ("google_oauth_client_secret", "GOCSPX-" + rnd(ALNUM + "_-", 28, 4)),
    ("google_oauth_access_token", "ya29." + "a0AfH6SM" + rnd(ALNUM + "_-", 60, 5)),
    ("google_oauth_refresh_token", "1//0" + "g" + rnd(ALNUM + "_-", 60, 6)),
    ("azure_ad_client_secret", "abc" + "8Q~" + rnd(ALNUM + "_~.", 34, 7)),
    ("alibaba_access_key_id", "LTAI" + rnd(ALNUM, 20, 8)),
    ("digitalocean_token", "dop_v1_" + rnd(HEX, 64, 9)),
    ("heroku_api_key", "HRKU-AA" + rnd(ALNUM + "_-", 58, 10)),
    ("databricks_token", "dapi" + rnd(HEX, 32, 11)),
    ("flyio_token", "fo1_" + rnd(ALNUM + "_-", 43, 12)),
    ("cloudflare_origin_ca_key", "v1.0-" + rnd(HEX, 24, 13) + "-" + rnd(HEX, 146, 14)),
    ("artifactory_token", "AKCp" + rnd(ALNUM, 69, 15)),
    ("anthropic_admin_key", "sk-ant-admin01-" + rnd(ALNUM + "_-", 93, 16) + "AA"),
    ("anthropic_api_key", "sk-ant-api03-" + rnd(ALNUM + "_-", 93, 17) + "AA"),
    ("openrouter_api_key", "sk-or-v1-" + rnd(HEX, 64, 18)),
    ("deepseek_api_key", "sk-" + rnd(HEX, 32, 19)),
    ("openai_api_key", "sk-proj-" + rnd(ALNUM + "_-", 74, 20) + "T3BlbkFJ" + rnd(ALNUM, 74, 21)),
    ("groq_api_key", "gsk_" + rnd(ALNUM, 52, 22)),
    ("huggingface_token", "hf_" + rnd(LOWER + LOWER.upper(), 34, 23)),
    ("huggingface_org_token", "api_org_" + rnd(LOWER + LOWER.upper(), 34, 24)),
    ("replicate_api_token", "r8_" + rnd(ALNUM, 37, 25)),
    ("perplexity_api_key", "pplx-" + rnd(ALNUM, 48, 26)),
    ("langsmith_api_key", "lsv2_pt_" + rnd(HEX, 32, 27) + "_" + rnd(HEX, 10, 28)),
    ("pinecone_api_key", "pcsk_" + rnd(ALNUM, 6, 29) + "_" + rnd(ALNUM, 60, 30)),
    ("gitlab_token", "glrt-" + rnd(ALNUM + "_-", 20, 31)),
    ("gitlab_runner_registration_token", "GR1348941" + rnd(ALNUM + "_-", 20, 32)),
    ("atlassian_api_token", "ATATT3" + rnd(ALNUM + "_-=", 186, 33)),
    ("bitbucket_app_password", "ATBB" + rnd(ALNUM, 32, 34)),
    ("rubygems_api_key", "rubygems_" + rnd(HEX, 48, 35)),
    ("nuget_api_key", "oy2" + rnd(LOWER + "0123456789", 43, 36)),
    ("clojars_token", "CLOJARS_" + rnd(LOWER + "0123456789", 60, 37)),
    ("docker_hub_token", "dckr_pat_" + rnd(ALNUM + "_-", 27, 38)),
    ("terraform_cloud_token", rnd(ALNUM, 14, 39) + ".atlasv1." + rnd(ALNUM + "_-", 67, 40)),
    ("vault_token", "hvs." + rnd(ALNUM + "_-", 90, 41)),
    ("pulumi_access_token", "pul-" + rnd(HEX, 40, 42)),
    ("sonarqube_token", "squ_" + rnd(HEX, 40, 43)),
    ("postman_api_key", "PMAK-" + rnd(HEX, 24, 44) + "-" + rnd(HEX, 34, 45)),
    ("doppler_token", "dp.pt." + rnd(ALNUM, 43, 46)),
    ("onepassword_service_account_token", "ops_eyJ" + rnd(ALNUM + "/+", 260, 47)),
    (
        "onepassword_secret_key",
        "A3-"
        + rnd("ABCDEFGHJKLMNPQRSTVWXYZ23456789", 6, 48)
        + "-"
        + rnd("ABCDEFGHJKLMNPQRSTVWXYZ23456789", 11, 49)
        + "-"
        + rnd("ABCDEFGHJKLMNPQRSTVWXYZ23456789", 5, 50)
        + "-"
        + rnd("ABCDEFGHJKLMNPQRSTVWXYZ23456789", 5, 51)
        + "-"
        + rnd("ABCDEFGHJKLMNPQRSTVWXYZ23456789", 5, 52),
    ),
    ("age_secret_key", "AGE-SECRET-KEY-1" + rnd("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58, 53)),
    ("sentry_token", "sntryu_" + rnd(HEX, 64, 54)),
    ("grafana_token", "glsa_" + rnd(ALNUM, 32, 55) + "_" + rnd(HEX, 8, 56)),
    ("grafana_api_key", "eyJrIjoi" + rnd(ALNUM, 80, 57)),
    ("new_relic_key", "NRAK-" + rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 27, 58)),
    ("dynatrace_token", "dt0c01." + rnd(ALNUM, 24, 59) + "." + rnd(ALNUM, 64, 60)),
    ("linear_api_key", "lin_api_" + rnd(ALNUM, 40, 61)),
    ("notion_token", "ntn_" + rnd("0123456789", 11, 62) + rnd(ALNUM, 35, 63)),
    ("notion_integration_secret", "secret_" + rnd(ALNUM, 43, 64)),
    ("airtable_token", "pat" + rnd(ALNUM, 14, 65) + "." + rnd(HEX, 64, 66)),
    ("openshift_token", "sha256~" + rnd(ALNUM + "_-", 43, 67)),
    (
        "harness_token",
        "pat." + rnd(ALNUM + "_-", 22, 68) + "." + rnd(ALNUM, 24, 69) + "." + rnd(ALNUM, 20, 70),
    ),
    ("octopus_deploy_api_key", "API-" + rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 26, 71)),
    ("prefect_api_key", "pnu_" + rnd(ALNUM, 36, 72)),
    ("readme_api_key", "rdme_" + rnd(LOWER + "0123456789", 70, 73)),
    ("scalingo_token", "tk-us-" + rnd(ALNUM + "_-", 48, 74)),
    ("infracost_api_key", "ico-" + rnd(ALNUM, 32, 75)),
    ("planetscale_token", "pscale_tkn_" + rnd(ALNUM + "_", 43, 76)),
    ("frameio_token", "fio-u-" + rnd(ALNUM + "_-", 64, 77)),
    ("typeform_token", "tfp_" + rnd(ALNUM + "_-", 59, 78)),
    ("adobe_client_secret", "p8e-" + rnd(ALNUM, 32, 79)),
    ("intra42_client_secret", "s-s4t2ud-" + rnd(HEX, 64, 80)),
    ("settlemint_token", "sm_pat_" + rnd(ALNUM, 16, 81)),
    ("maxmind_license_key", rnd(ALNUM, 6, 82) + "_" + rnd(ALNUM, 29, 83) + "_mmk"),
    ("stripe_webhook_secret", "whsec_" + rnd(ALNUM, 32, 84)),
    ("shopify_token", "shpat_" + rnd(HEX, 32, 85)),
    ("square_token", "sq0atp-" + rnd(ALNUM + "_-", 22, 86)),
    (
        "braintree_access_token",
        "access_token$production$" + rnd(LOWER + "0123456789", 16, 87) + "$" + rnd(HEX, 32, 88),
    ),
    ("easypost_api_key", "EZAK" + rnd(ALNUM, 54, 89)),
    ("duffel_token", "duffel_live_" + rnd(ALNUM + "_-", 43, 90)),
    ("flutterwave_key", "FLWSECK_TEST-" + rnd("abcdefgh0123456789", 32, 91) + "-X"),
    ("shippo_token", "shippo_live_" + rnd(HEX, 40, 92)),
    ("sendinblue_api_key", "xkeysib-" + rnd(HEX, 64, 93) + "-" + rnd(ALNUM, 16, 94)),
    ("mailgun_api_key", "key-" + rnd(HEX, 32, 95)),
    ("mailchimp_api_key", rnd(HEX, 32, 96) + "-us14"),
    ("twilio_api_key", "SK" + rnd(HEX, 32, 97)),
    ("telegram_bot_token", "123456789:AA" + rnd(ALNUM + "_-", 33, 98)),
    (
        "slack_app_token",
        "xapp-1-A0"
        + rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 9, 99)
        + "-"
        + rnd("0123456789", 13, 100)
        + "-"
        + rnd(HEX, 64, 101),
    ),
    (
        "discord_webhook",
        "https://discord.com/api/webhooks/" + rnd("0123456789", 18, 102) + "/" + rnd(ALNUM + "_-", 68, 103),
    ),
    (
        "microsoft_teams_webhook",
        "https://acme.webhook.office.com/webhookb2/"
        + rnd(HEX, 8, 104)
        + "-1234-5678-9abc-"
        + rnd(HEX, 12, 105)
        + "@"
        + rnd(HEX, 8, 106)
        + "-abcd-ef01-2345-"
        + rnd(HEX, 12, 107)
        + "/IncomingWebhook/"
        + rnd(HEX, 32, 108),
    ),
    ("facebook_access_token", "EAAC" + rnd(ALNUM, 120, 109)),
    ("twitter_bearer_token", "A" * 22 + rnd(ALNUM + "%", 80, 110)),
    ("yandex_api_key", "AQVN" + rnd(ALNUM + "_-", 36, 111)),
    ("stripe_key", "sk_" + "prod_" + rnd(ALNUM, 24, 112)),
    (
        "slack_token",
        "xoxp-"
        + rnd("0123456789", 12, 113)
        + "-"
        + rnd("0123456789", 12, 114)
        + "-"
        + rnd("0123456789", 12, 115)
        + "-"
        + rnd(HEX, 32, 116),
    ),
    (
        "aws_bedrock_short_term_key",
        "bedrock-api-key-" + "YmVkcm9jay5hbWF6b25hd3MuY29t" + rnd(ALNUM + "/+", 120, 131),
    ),
    ("clickhouse_cloud_key", "4b1d" + rnd(ALNUM, 38, 132)),
    ("defined_networking_token", "dnkey-" + rnd(ALNUM + "_-", 26, 133) + "-" + rnd(ALNUM + "_-", 52, 134)),
    ("dropbox_token", "sl." + rnd(ALNUM + "_-", 135, 135)),
    ("gitlab_session_cookie", "_gitlab_session=" + rnd(LOWER + "0123456789", 32, 136)),
    ("sourcegraph_token", "sgp_" + rnd(HEX, 16, 137) + "_" + rnd(HEX, 40, 138)),
    (
        "plaid_access_token",
        "access-production-"
        + rnd(HEX, 8, 139)
        + "-"
        + rnd(HEX, 4, 140)
        + "-"
        + rnd(HEX, 4, 141)
        + "-"
        + rnd(HEX, 4, 142)
        + "-"
        + rnd(HEX, 12, 143),
    ),
    ("mapbox_secret_token", "sk.eyJ" + rnd(ALNUM, 80, 144) + "." + rnd(ALNUM, 22, 145)),
    ("jwt_base64", "ZXlK" + rnd(ALNUM + "/+", 160, 146)),
    (
        "jwt",
        "eyJ"
        + rnd(ALNUM, 30, 117)
        + ".eyJ"
        + rnd(ALNUM + "_-", 1200, 118)
        + "."
        + rnd(ALNUM + "_-", 43, 119),
    ),
]
# Each token in several contexts: alone, assigned, quoted in JSON, after a colon, in a CSV cell.
_CONTEXTS = ["use {} now", "KEY={}", '{{"k": "{}"}}', "token:{}", "a,{},b", "`{}`"]
for _i, (_kind, _value) in enumerate(TOKENS):
    for _ctx in (_CONTEXTS[_i % len(_CONTEXTS)], _CONTEXTS[(_i + 3) % len(_CONTEXTS)]):
        POSITIVE.append((_ctx.format(_value), "SECRET", _kind, _value))

PUTTY = (
    "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20240101\n"
    "Public-Lines: 2\n" + rnd(ALNUM, 64, 120) + "\n" + rnd(ALNUM, 20, 121) + "\n"
    "Private-Lines: 1\n" + rnd(ALNUM, 44, 122) + "\nPrivate-MAC: " + rnd(HEX, 64, 123)
)
POSITIVE += [
    ("key file:\n" + PUTTY + "\nthanks", "SECRET", "putty_private_key", PUTTY),
    (
        "-----BEGIN SSH2 ENCRYPTED PRIVATE KEY-----\n"
        + PEM_BODY
        + "-----END SSH2 ENCRYPTED PRIVATE KEY-----",
        "SECRET",
        "",
        "-----BEGIN SSH2 ENCRYPTED PRIVATE KEY-----\n"
        + PEM_BODY
        + "-----END SSH2 ENCRYPTED PRIVATE KEY-----",
    ),
    # --- a password in the userinfo of any URL scheme ---
    ("proxy https://alice:Pr0xy!pw@proxy.corp:8080", "SECRET", "url_password", "Pr0xy!pw"),
    ("http_proxy=http://svc:Hx9kq2@10.0.0.1:3128", "SECRET", "url_password", "Hx9kq2"),
    ("ftp://backup:Ftp2024pw@files.example.com/dump", "SECRET", "url_password", "Ftp2024pw"),
    ("smtp://mailer:Sm7pPass@smtp.example.com:587", "SECRET", "url_password", "Sm7pPass"),
    ("amqps://svc:Svc9pw@mq/vhost", "SECRET", "url_password", "Svc9pw"),
    ("postgresql+psycopg2://app:Psy9copg@db/app", "SECRET", "url_password", "Psy9copg"),
    ("git clone https://bob:ghpw1234@git.example.com/r.git", "SECRET", "url_password", "ghpw1234"),
    ("sftp://deploy:k3y!@10.1.2.3/srv", "SECRET", "url_password", "k3y!"),
    ("ldaps://cn=admin:LdapPw77@ldap.corp/dc=corp", "SECRET", "url_password", "LdapPw77"),
    ("(see https://u:Qz8!wx@h.example/x)", "SECRET", "url_password", "Qz8!wx"),
    # --- command lines ---
    ("curl -u alice:S3cretPw https://api.example.com", "SECRET", "cli_user_password", "S3cretPw"),
    ("curl --user 'bob:hunter2x' https://x", "SECRET", "cli_user_password", "hunter2x"),
    ("curl -sS --user=ci:Tok9en42 https://x", "SECRET", "cli_user_password", "Tok9en42"),
    ("docker login --password Dock3rPw -u me", "SECRET", "cli_password", "Dock3rPw"),
    ("app --db-password=Pg2024pass --verbose", "SECRET", "cli_password", "Pg2024pass"),
    ("vault login -token='s9Tk3nAb'", "SECRET", "cli_password", "s9Tk3nAb"),
    ("mysql -u root -pMyS9lPw app", "SECRET", "mysql_password", "MyS9lPw"),
    ("mysqldump -h db -u admin -p'Dump!99' shop", "SECRET", "mysql_password", "Dump!99"),
    ("sshpass -p R00tPass ssh root@host", "SECRET", "sshpass_password", "R00tPass"),
    ("docker login -u admin -p Tr0ub4dor3x registry.io", "SECRET", "tool_password_flag", "Tr0ub4dor3x"),
    (
        'podman login --username bob -p "S3cr3tPassw0rd" quay.io',
        "SECRET",
        "tool_password_flag",
        "S3cr3tPassw0rd",
    ),
    ("nerdctl login -u ci -p=Reg1stryPw ghcr.io", "SECRET", "tool_password_flag", "Reg1stryPw"),
    ("redis-cli -h cache -a Sup3rS3cret! ping", "SECRET", "tool_password_flag", "Sup3rS3cret!"),
    ("sqlcmd -S srv -U sa -P Passw0rd123 -Q 'select 1'", "SECRET", "tool_password_flag", "Passw0rd123"),
    (
        "mongosh -u root -p Rootp4ss2024 --authenticationDatabase admin",
        "SECRET",
        "tool_password_flag",
        "Rootp4ss2024",
    ),
    ("machine api.example.com login bob password Netrc9pw", "SECRET", "netrc_password", "Netrc9pw"),
    # --- assignments: suffixes, JSON-escaped, XML ---
    ("DB_PASS=Pa55w0rdX", "SECRET", "assigned_secret", "Pa55w0rdX"),
    ("SMTP_PW=Mail2024pw", "SECRET", "assigned_secret", "Mail2024pw"),
    ("REDIS_PWD=r3disPwd99", "SECRET", "assigned_secret", "r3disPwd99"),
    ("GPG_PASSPHRASE='Correct Horse'".replace(" ", "-"), "SECRET", "assigned_secret", "Correct-Horse"),
    ('log: {\\"password\\":\\"hunter2x\\",\\"user\\":\\"bob\\"}', "SECRET", "assigned_secret", "hunter2x"),
    ("<password>Xml9Secret</password>", "SECRET", "xml_secret", "Xml9Secret"),
    ('<add key="ClearTextPassword" value="N3tPassw0rd" />', "SECRET", "config_secret", "N3tPassw0rd"),
    ("<apiKey>" + rnd(ALNUM, 24, 124) + "</apiKey>", "SECRET", "xml_secret", rnd(ALNUM, 24, 124)),
    ("TWILIO_AUTH_TOKEN=" + rnd(HEX, 32, 125), "SECRET", "assigned_secret", rnd(HEX, 32, 125)),
    ("x-api-key: " + rnd(ALNUM, 32, 126), "SECRET", "assigned_secret", rnd(ALNUM, 32, 126)),
    ("Authorization: Token " + rnd(ALNUM, 40, 127), "SECRET", "authorization_token", rnd(ALNUM, 40, 127)),
    (
        "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=" + rnd(ALNUM + "%", 52, 128),
        "SECRET",
        "azure_sas_signature",
        rnd(ALNUM + "%", 52, 128),
    ),
    # --- an AWS secret key given in prose ---
    ("the secret access key is " + B64, "SECRET", "aws_secret_access_key", B64),
    ("AWS secret key: " + B64, "SECRET", "aws_secret_access_key", B64),
    ("My password is Hunter2024 so keep it safe", "SECRET", "stated_secret", "Hunter2024"),
    ("the api key is " + rnd(ALNUM, 32, 129) + ".", "SECRET", "stated_secret", rnd(ALNUM, 32, 129)),
]

NEGATIVE = [
    ("docker run -p 8080:80 nginx", "docker port flag"),
    ("docker login -p $DOCKER_PASSWORD ghcr.io", "docker login from a variable"),
    ("docker compose -p shop up", "compose project flag"),
    ("redis-cli -p 6379 ping", "redis port flag"),
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
    ("password: SecretStr", "type annotation"),
    ("password: Optional[str] = None", "type annotation"),
    ("password: letmein", "a word (documented: all-letter values are not judged)"),
    ("password: 1234", "too short to judge"),
    ("password: 12:30", "a time"),
    ("password_min_length: 12", "a setting about passwords"),
    ("api_key: hunter2", "short value after a key's name"),
    ("The API key: see the docs", "words after a key's name"),
    ("What is an API key: a token that proves who calls", "a definition"),
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
    # --- false refusals (issue 11 item 6) ---
    ("PWD=/home/ec2-user", "env dump: the working directory"),
    ("OLDPWD=/var/log/nginx", "env dump"),
    ("pwd: /srv/app/releases/2024", "path"),
    ("auth_key: ./keys/id.pub", "path to a public key"),
    ("private_key: ~/.ssh/id_ed25519", "path"),
    ("nextPageToken: CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA", "pagination cursor"),
    ('"pageToken": "EAEaCQoHCAEQgKC5Ag"', "pagination cursor"),
    ("secret: SantaClaus2024 party on friday", "prose about a secret santa"),
    ("key " + "AKIA" + "IOSFODNN7EXAMPLE", "AWS documentation key"),
    ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY", "AWS documentation secret"),
    ("token " + "ghp_" + "x" * 36, "placeholder fill"),
    ("key=" + "AIza" + "X" * 35, "placeholder fill"),
    ("OPENAI_API_KEY=" + "sk-" + "...your-key-here", "placeholder"),
    ("api_key = sk-" + "your-api-key-here-1234567890", "placeholder"),
    ("password = '********'", "masked"),
    ("token: <YOUR_TOKEN>", "placeholder"),
    ("docker run -u 1000:1000 image", "uid:gid"),
    ("max_tokens: 4096", "a count"),
    ("public_key = " + rnd(ALNUM, 44, 130), "public key"),
    ("--password-file /run/secrets/db", "flag naming a file"),
    ("mysql -u root -p mydb", "password prompt"),
    ("The password is required to continue.", "sentence"),
    ("Your token is expired, sign in again", "sentence"),
    ("bypass = disabled", "not a password name"),
    ("compass = 12north", "not a password name"),
]
