"""Credentials recognisable by their own shape: a provider's prefix and a body of a known
alphabet and length. One row per kind; the prefixes are the triggers.

Boundaries: a token starts after anything but a letter, digit, `_` or `-` and ends before the
same, so `KEY=ghp_…`, `"ghp_…"` and `(ghp_…)` are found and `task-sk-…` slugs are not. One
`_` standing alone on either side is Markdown emphasis (`_sk_live_…_`), not part of a longer
name, so the token is found there too. Bodies whose shape also fits ordinary words carry a
check (digits and mixed case, or entropy).
"""

from __future__ import annotations

import re
from typing import Final

from masking.detectors.secret_rules import SecretRule, high_entropy, mixed, random_body, rule

_LEAD = r"(?<![\w-])"
_TAIL = r"(?![\w-])"
_B64URL = "A-Za-z0-9_-"
# A lone `_` of Markdown emphasis around the token (a body that may hold `_` stops short of it
# only when its length is fixed or its quantifier lazy).
_EMPHASIS_BEFORE = r"(?<=(?<![\w-])_)"
_EMPHASIS_AFTER = r"(?=_(?![\w-]))"


def token(
    kind: str,
    prefixes: tuple[str, ...],
    body: str,
    *,
    check: object = None,
    lead: str = _LEAD,
    tail: str = _TAIL,
    ignore_case: bool = False,
) -> SecretRule:
    alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    return rule(
        kind,
        prefixes,
        rf"(?:{lead}|{_EMPHASIS_BEFORE})(?:{alternatives}){body}(?:{tail}|{_EMPHASIS_AFTER})",
        check=check,  # type: ignore[arg-type]
        ignore_case=ignore_case,
    )


def _has_upper_and_lower(m: re.Match[str], value: str) -> bool:
    return any(c.isupper() for c in value) and any(c.islower() for c in value)


TOKEN_RULES: Final[tuple[SecretRule, ...]] = (
    # --- cloud ---
    token(
        "aws_access_key_id",
        ("AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA"),
        r"[A-Z0-9]{16}",
        lead=r"(?<![A-Za-z0-9])",
        tail=r"(?![A-Za-z0-9])",
    ),
    # the older `A3T` + one character prefix gitleaks lists
    token("aws_access_key_id", ("A3T",), r"[A-Z0-9]{17}", lead=r"(?<![A-Za-z0-9])", tail=r"(?![A-Za-z0-9])"),
    token(
        "aws_session_token",
        ("FwoGZXIvYXdz", "IQoJb3JpZ2lu"),
        r"[A-Za-z0-9+/=]{100,4096}+",
        tail=r"(?![A-Za-z0-9+/=])",
    ),
    token("aws_bedrock_api_key", ("ABSK",), r"[A-Za-z0-9+/]{109,269}+={0,2}", tail=r"(?![A-Za-z0-9+/=])"),
    token(
        "aws_bedrock_short_term_key",
        ("bedrock-api-key-",),
        r"[A-Za-z0-9+/=]{100,4096}+",
        tail=r"(?![A-Za-z0-9+/=])",
    ),
    token("google_api_key", ("AIza",), rf"[{_B64URL}]{{35}}"),
    token("google_oauth_client_secret", ("GOCSPX-",), rf"[{_B64URL}]{{28}}"),
    token("google_oauth_access_token", ("ya29.",), r"[\w.-]{20,2048}+", tail=r"(?![\w.-])", check=mixed),
    token(
        "google_oauth_refresh_token",
        ("1//0",),
        rf"[{_B64URL}]{{40,512}}+",
        lead=r"(?<![\w/:])",
        check=random_body,
    ),
    rule(
        "azure_ad_client_secret",
        ("Q~",),
        r"(?<![\w~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![\w~.-])",
        offsets=(4,),
    ),
    token("alibaba_access_key_id", ("LTAI",), r"[A-Za-z0-9]{20}", check=random_body),
    token("digitalocean_token", ("dop_v1_", "doo_v1_", "dor_v1_"), r"[a-f0-9]{64}"),
    token("heroku_api_key", ("HRKU-AA",), r"[\w-]{58}"),
    token("databricks_token", ("dapi",), r"[a-f0-9]{32}(?:-\d)?"),
    token(
        "flyio_token", ("fo1_", "fm1a_", "fm1r_", "fm2_"), r"[A-Za-z0-9_+/=-]{43,4096}+", tail=r"(?![\w+/=-])"
    ),
    token("cloudflare_origin_ca_key", ("v1.0-",), r"[a-f0-9]{24}-[a-f0-9]{146}"),
    token("artifactory_token", ("AKCp",), r"[A-Za-z0-9]{69}"),
    token("clickhouse_cloud_key", ("4b1d",), r"[A-Za-z0-9]{38}", lead=r"(?<![\w-])", check=random_body),
    token("defined_networking_token", ("dnkey-",), r"[\w=-]{26}-[\w=-]{52}"),
    token("dropbox_token", ("sl.",), r"[\w=-]{130,1400}+", lead=r"(?<![\w.-])", check=random_body),
    # --- LLM and AI platforms ---
    token("anthropic_admin_key", ("sk-ant-admin01-",), rf"[{_B64URL}]{{80,300}}+"),
    token("anthropic_api_key", ("sk-ant-",), rf"(?!admin01-)[{_B64URL}]{{32,300}}+", check=mixed),
    token("openrouter_api_key", ("sk-or-v1-",), r"[a-f0-9]{64}"),
    token("deepseek_api_key", ("sk-",), r"[a-f0-9]{32}"),
    token(
        "openai_api_key",
        ("sk-",),
        rf"(?!ant-|or-v1-)(?:proj-|svcacct-|admin-|None-)?[{_B64URL}]{{20,300}}+",
        check=random_body,
    ),
    token("xai_api_key", ("xai-",), r"[A-Za-z0-9]{32,120}+", check=random_body),
    token("groq_api_key", ("gsk_",), r"[A-Za-z0-9]{48,56}+"),
    token("huggingface_token", ("hf_",), r"[A-Za-z0-9]{30,40}+", check=_has_upper_and_lower),
    token("huggingface_org_token", ("api_org_",), r"[A-Za-z]{34}", check=_has_upper_and_lower),
    token("replicate_api_token", ("r8_",), r"[A-Za-z0-9]{37}", check=mixed),
    token("perplexity_api_key", ("pplx-",), r"[A-Za-z0-9]{48}"),
    token("langsmith_api_key", ("lsv2_pt_", "lsv2_sk_"), r"[0-9a-f]{32}_[0-9a-f]{10}"),
    token("pinecone_api_key", ("pcsk_",), r"[A-Za-z0-9_]{40,120}+", check=mixed),
    # --- code hosting, CI, registries ---
    token(
        "github_token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        r"[A-Za-z0-9]{36,251}+",
        lead=r"(?<!\w)",
        tail=r"(?!\w)",
    ),
    token("github_fine_grained_pat", ("github_pat_",), r"\w{22,255}?", lead=r"(?<!\w)", tail=r"(?!\w)"),
    token(
        "gitlab_token",
        (
            "glpat-",
            "gldt-",
            "glrt-",
            "glptt-",
            "gloas-",
            "glcbt-",
            "glft-",
            "glimt-",
            "glagent-",
            "glsoat-",
            "glffct-",
        ),
        r"[\w.-]{20,300}+",
        check=mixed,
    ),
    token("gitlab_runner_registration_token", ("GR1348941",), r"[\w-]{20,64}+"),
    token("gitlab_session_cookie", ("_gitlab_session=",), r"[0-9a-z]{32}", lead=""),
    token("sourcegraph_token", ("sgp_",), r"(?:[a-fA-F0-9]{16}_)?[a-fA-F0-9]{40}"),
    token("atlassian_api_token", ("ATATT3",), r"[\w=-]{150,300}+"),
    token("bitbucket_app_password", ("ATBB",), r"[A-Za-z0-9]{28,40}+", check=random_body),
    token("npm_token", ("npm_",), r"[A-Za-z0-9]{36}", lead=r"(?<!\w)", tail=r"(?!\w)"),
    token("pypi_token", ("pypi-AgE",), rf"[{_B64URL}]{{50,1000}}+"),
    token("rubygems_api_key", ("rubygems_",), r"[a-f0-9]{48}"),
    token("nuget_api_key", ("oy2",), r"[a-z0-9]{43}", check=mixed),
    token("clojars_token", ("CLOJARS_",), r"[a-z0-9]{60}", ignore_case=True),
    token("docker_hub_token", ("dckr_pat_", "dckr_oat_"), r"[\w-]{27,64}+"),
    rule(
        "terraform_cloud_token",
        ("atlasv1",),
        r"(?<![\w.])[A-Za-z0-9]{14}\.atlasv1\.[\w=-]{60,70}+(?![\w=-])",
        offsets=(15,),
    ),
    token("vault_token", ("hvs.", "hvb."), r"[\w-]{24,300}+"),
    # The service tokens of Vault before 1.10: `s.` and 24 random characters (the prefix alone is
    # any word's last letter and full stop, so the body must look random).
    # The pattern opens with its literal `s.` (the boundary before it is checked after), so the
    # engine skips from one `s.` to the next in C: prose holds one in most sentences ("thanks.").
    rule(
        "vault_token",
        ("s.",),
        r"s\.(?<![\w-]s\.)[A-Za-z0-9]{24}(?![\w-])",
        check=random_body,
    ),
    token("pulumi_access_token", ("pul-",), r"[a-f0-9]{40}"),
    token("sonarqube_token", ("squ_", "sqp_", "sqa_"), r"[a-f0-9]{40}"),
    token("postman_api_key", ("PMAK-",), r"[a-f0-9]{24}-[a-f0-9]{34}", ignore_case=True),
    token("doppler_token", ("dp.pt.", "dp.st.", "dp.ct.", "dp.sa.", "dp.scim."), r"[A-Za-z0-9]{40,44}"),
    token(
        "onepassword_service_account_token",
        ("ops_eyJ",),
        r"[A-Za-z0-9+/]{250,4096}+={0,3}",
        tail=r"(?![A-Za-z0-9+/=])",
    ),
    rule(
        "onepassword_secret_key",
        ("A3-",),
        r"(?<![\w-])A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}(?![\w-])",
    ),
    token("age_secret_key", ("AGE-SECRET-KEY-1",), r"[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"),
    token("sentry_token", ("sntrys_", "sntryu_"), r"[A-Za-z0-9+/=_]{40,400}+"),
    token("grafana_token", ("glc_", "glsa_"), r"[A-Za-z0-9+/_=]{32,400}+", check=mixed),
    token("grafana_api_key", ("eyJrIjoi",), r"[A-Za-z0-9]{70,400}+={0,3}", tail=r"(?![\w=-])"),
    token("new_relic_key", ("NRAK-", "NRII-", "NRJS-"), r"[A-Za-z0-9-]{19,32}+"),
    token("dynatrace_token", ("dt0c01.",), r"[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}"),
    token("linear_api_key", ("lin_api_",), r"[A-Za-z0-9]{40}"),
    token("notion_token", ("ntn_",), r"[A-Za-z0-9]{40,50}+"),
    token("notion_integration_secret", ("secret_",), r"[A-Za-z0-9]{43}", check=high_entropy),
    rule("airtable_token", ("pat",), r"(?<![\w-])pat[A-Za-z0-9]{14}\.[a-f0-9]{64}(?![\w-])", offsets=(0,)),
    token("openshift_token", ("sha256~",), r"[\w-]{43}"),
    token("harness_token", ("pat.", "sat."), r"[\w-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}"),
    token("octopus_deploy_api_key", ("API-",), r"[A-Z0-9]{26}", check=mixed),
    token("prefect_api_key", ("pnu_",), r"[A-Za-z0-9]{36}"),
    token("readme_api_key", ("rdme_",), r"[a-z0-9]{70}"),
    token("scalingo_token", ("tk-us-",), r"[\w-]{48}"),
    token("infracost_api_key", ("ico-",), r"[A-Za-z0-9]{32}", check=random_body),
    token("planetscale_token", ("pscale_tkn_", "pscale_oauth_", "pscale_pw_"), r"[\w=.-]{32,64}+"),
    token("frameio_token", ("fio-u-",), r"[\w=-]{64}"),
    token("typeform_token", ("tfp_",), r"[\w.=-]{59}"),
    token("adobe_client_secret", ("p8e-",), r"[A-Za-z0-9]{32}"),
    token("intra42_client_secret", ("s-s4t2ud-", "s-s4t2af-"), r"[a-f0-9]{64}"),
    token("settlemint_token", ("sm_aat_", "sm_pat_", "sm_sat_"), r"[A-Za-z0-9]{16}"),
    rule(
        "maxmind_license_key",
        ("_mmk",),
        r"(?<![\w-])[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk(?![\w-])",
        offsets=(36,),
    ),
    # --- payments, commerce, messaging ---
    token(
        "stripe_key",
        ("sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"),
        r"[A-Za-z0-9]{10,247}+",
        lead=r"(?<!\w)",
        tail=r"(?!\w)",
    ),
    token("stripe_webhook_secret", ("whsec_",), r"[A-Za-z0-9+/=]{32,128}+", tail=r"(?![\w+/=-])"),
    token("shopify_token", ("shpat_", "shpca_", "shppa_", "shpss_"), r"[a-fA-F0-9]{32}"),
    token(
        "plaid_access_token",
        ("access-sandbox-", "access-development-", "access-production-"),
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    ),
    token("mapbox_secret_token", ("sk.eyJ",), r"[\w-]{50,400}+\.[\w-]{10,64}+"),
    token("square_token", ("sq0atp-", "sq0csp-", "EAAA"), r"[\w-]{22,60}+", check=mixed),
    token(
        "braintree_access_token",
        ("access_token$production$", "access_token$sandbox$"),
        r"[a-z0-9]{16}\$[a-f0-9]{32}",
    ),
    token("easypost_api_key", ("EZAK", "EZTK"), r"[A-Za-z0-9]{54}"),
    token("duffel_token", ("duffel_live_", "duffel_test_"), r"[\w=-]{43}"),
    token("flutterwave_key", ("FLWSECK_TEST-", "FLWSECK-"), r"[a-hA-H0-9]{32}-X"),
    token("shippo_token", ("shippo_live_", "shippo_test_"), r"[a-fA-F0-9]{40}"),
    token("sendgrid_api_key", ("SG.",), rf"[{_B64URL}]{{22}}\.[{_B64URL}]{{43}}", lead=r"(?<![\w.])"),
    token("sendinblue_api_key", ("xkeysib-",), r"[a-f0-9]{64}-[A-Za-z0-9]{16}"),
    token("mailgun_api_key", ("key-",), r"[a-f0-9]{32}", check=mixed),
    rule(
        "mailchimp_api_key",
        ("-us",),
        r"(?<![\w-])[a-f0-9]{32}-us\d{1,2}(?![\w-])",
        offsets=(32,),
        check=mixed,
    ),
    token(
        "twilio_api_key",
        ("SK",),
        r"[0-9a-fA-F]{32}",
        lead=r"(?<![A-Za-z0-9])",
        tail=r"(?![A-Za-z0-9])",
        check=mixed,
    ),
    rule("telegram_bot_token", (":AA",), r"(?<![\w:])\d{8,10}:AA[\w-]{33}(?![\w-])", offsets=(8, 9, 10)),
    token(
        "slack_token",
        ("xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxs-", "xoxr-", "xoxe-", "xoxe.xoxb-", "xoxe.xoxp-"),
        r"[A-Za-z0-9-]{10,250}+",
        check=mixed,
    ),
    token("slack_app_token", ("xapp-",), r"\d-[A-Za-z0-9]{8,16}-\d{8,16}-[A-Za-z0-9]{32,80}+"),
    rule(
        "slack_webhook",
        ("hooks.slack.com",),
        r"(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/+-]{20,200}+",
    ),
    rule(
        "discord_webhook",
        ("discord.com/api/webhooks/", "discordapp.com/api/webhooks/"),
        r"(?:https?://)?(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{17,20}/[\w-]{60,68}+",
    ),
    rule(
        "microsoft_teams_webhook",
        ("webhook.office.com",),
        r"https://[\w-]+\.webhook\.office\.com/webhookb2/[\w@/-]{60,300}+",
        ignore_case=True,
    ),
    token("facebook_access_token", ("EAAC", "EAAM", "EAAG"), r"[A-Za-z0-9]{100,512}+", check=random_body),
    token("twitter_bearer_token", ("AAAAAAAAAAAAAAAAAAAAA",), r"[A-Za-z0-9%]{30,120}+"),
    token("yandex_api_key", ("AQVN",), r"[\w-]{35,38}", check=random_body),
    # --- generic shapes ---
    rule(
        "jwt",
        ("eyJ",),
        rf"(?<![\w-])eyJ[{_B64URL}]{{8,4096}}+\.eyJ[{_B64URL}]{{2,8192}}+\.[{_B64URL}]{{8,2048}}+(?![\w-])",
    ),
    # A JWT written in base64 once more ("eyJ" encodes as "ZXlK"), as some configs store them.
    token("jwt_base64", ("ZXlK",), r"[A-Za-z0-9+/]{100,8192}+={0,2}", tail=r"(?![A-Za-z0-9+/=])"),
    token("gateway_api_key", ("sgw-",), r"[0-9a-f]{12}-[A-Za-z0-9_-]{43}", tail=r"(?![A-Za-z0-9_-])"),
)
