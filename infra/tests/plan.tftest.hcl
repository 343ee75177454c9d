# Tests with a mocked AWS provider: no account, no credentials. Most plan;
# one applies, to see outputs that only exist after apply. Run with
# `terraform test` in infra/ after `npm run build` (the zips must exist);
# npm test runs them where a local copy of the provider is found (or
# TF_PLUGIN_DIR names one). IAM documents are mocked here; test/infra/terraform-plan.test.ts
# checks them in a plan with the real provider.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{}" }
  }
  # Runs that apply pass these ARNs to the provider's own validation.
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mocked" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-1:123456789012:mocked" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:mocked" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:mocked" }
  }
  mock_resource "aws_sfn_state_machine" {
    defaults = { arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:mocked" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-1:123456789012:rule/mocked" }
  }
}

variables {
  policy_file = "examples/basic/policy.yaml"

  # Where the secrets of tests/policies/destinations.yaml are kept, for the runs that plan it.
  destination_secrets = {
    SLACK_SECOPS_WEBHOOK   = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sechub/slack-secops-AbC123"
    SLACK_BOT_TOKEN        = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sechub/slack-bot-DeF456"
    TEAMS_PLATFORM_WEBHOOK = "arn:aws:ssm:eu-west-1:123456789012:parameter/sechub/teams-platform"
    SIEM_HMAC              = "arn:aws:ssm:eu-west-1:123456789012:parameter/sechub/siem-hmac"
    AUDIT_URL              = "arn:aws:ssm:eu-west-1:123456789012:parameter/sechub/audit-url"
  }
}

run "defaults" {
  command = plan

  assert {
    condition     = aws_sfn_state_machine.findings.type == "EXPRESS"
    error_message = "The state machine must be EXPRESS by default."
  }
  assert {
    condition     = one(aws_sfn_state_machine.findings.logging_configuration).include_execution_data == false && one(aws_sfn_state_machine.findings.logging_configuration).level == "ERROR"
    error_message = "The state machine must log errors only, without execution data."
  }
  assert {
    condition     = toset(keys(aws_lambda_function.function)) == toset(["check-record", "check-age", "notify", "daily"])
    error_message = "The four functions of the contract must be planned."
  }
  assert {
    condition     = alltrue([for fn in aws_lambda_function.function : fn.runtime == "nodejs22.x" && fn.architectures == tolist(["arm64"]) && fn.handler == "index.handler"])
    error_message = "Every function runs index.handler on nodejs22.x, arm64."
  }
  assert {
    condition     = jsondecode(jsondecode(aws_dynamodb_table_item.policy.item).value.S).policy == yamldecode(file("examples/basic/policy.yaml"))
    error_message = "The policy document in the table must hold the policy file as {\"policy\": …}."
  }
  assert {
    condition     = jsondecode(aws_dynamodb_table_item.policy.item).pk == { S = "doc#config#policy" } && jsondecode(aws_dynamodb_table_item.policy.item).version == { N = "1" }
    error_message = "The policy is the document config/policy, version 1."
  }
  assert {
    condition     = alltrue([for fn in aws_lambda_function.function : fn.environment[0].variables.POLICY_SHA256 == sha256(jsondecode(aws_dynamodb_table_item.policy.item).value.S) && !contains(keys(fn.environment[0].variables), "POLICY")])
    error_message = "Every function gets POLICY_SHA256, the SHA-256 of the stored value, and no POLICY."
  }
  assert {
    condition     = aws_lambda_function.function["notify"].environment[0].variables.SECRETS == "{}" && aws_lambda_function.function["daily"].environment[0].variables.SECRETS == "{}" && !contains(keys(aws_lambda_function.function["check-age"].environment[0].variables), "SECRETS")
    error_message = "notify and daily get SECRETS, an empty map by default; the other functions do not."
  }
  assert {
    condition     = aws_lambda_function.function["daily"].environment[0].variables.BASELINE_FIRST_RUN == "false" && !contains(keys(aws_lambda_function.function["notify"].environment[0].variables), "BASELINE_FIRST_RUN")
    error_message = "Only daily gets BASELINE_FIRST_RUN, false by default."
  }
  assert {
    condition     = aws_cloudwatch_event_rule.daily.schedule_expression == "cron(0 6 * * ? *)" && output.daily_schedule_expression == "cron(0 6 * * ? *)"
    error_message = "Without digest rules the daily job runs at 06:00 UTC."
  }
  assert {
    condition     = aws_lambda_function.function["notify"].environment[0].variables.SECURITY_HUB_WRITE_BACK == "false" && !contains(keys(aws_lambda_function.function["check-record"].environment[0].variables), "SECURITY_HUB_WRITE_BACK")
    error_message = "Only notify and daily get SECURITY_HUB_WRITE_BACK."
  }
  assert {
    condition     = aws_lambda_function.function["daily"].timeout == 900
    error_message = "The daily job may run 15 minutes."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.findings.event_pattern)["detail-type"] == ["Security Hub Findings - Imported", "Findings Imported V2"]
    error_message = "The findings rule must accept both detail-types."
  }
  assert {
    condition     = length(aws_cloudwatch_event_rule.findings.event_pattern) < 2048
    error_message = "The event pattern must fit EventBridge's limit."
  }
  assert {
    condition     = aws_sesv2_email_identity.sender.email_identity == "sechub-alerts@example.com" && length(aws_sesv2_email_identity.recipient) == 0
    error_message = "The sender's identity, and no recipient identities unless asked for."
  }
  assert {
    condition     = aws_dynamodb_table.findings.deletion_protection_enabled && aws_sqs_queue.dead_letter.sqs_managed_sse_enabled
    error_message = "Table protected and queue encrypted by default."
  }
}

run "sandbox_recipients_and_write_back" {
  command = plan

  variables {
    verify_recipients = true
    write_back        = true
    claim_seconds     = 120
  }

  assert {
    condition     = keys(aws_sesv2_email_identity.recipient) == ["security-team@example.com"]
    error_message = "Every recipient of the policy gets an SES identity in sandbox mode."
  }
  assert {
    condition     = aws_lambda_function.function["notify"].environment[0].variables.CLAIM_SECONDS == "120" && aws_lambda_function.function["daily"].environment[0].variables.SECURITY_HUB_WRITE_BACK == "true"
    error_message = "claim_seconds and write_back reach the functions."
  }
}

run "rejects_an_unknown_state_machine_type" {
  command = plan
  variables {
    state_machine_type = "FAST"
  }
  expect_failures = [var.state_machine_type]
}

run "rejects_a_retention_cloudwatch_does_not_offer" {
  command = plan
  variables {
    log_retention_days = 10
  }
  expect_failures = [var.log_retention_days]
}

run "rejects_a_missing_policy_file" {
  command = plan
  variables {
    policy_file = "no-such-policy.yaml"
  }
  expect_failures = [var.policy_file]
}

run "fails_clearly_without_the_built_zips" {
  command = plan
  variables {
    lambda_dist_dir = "no-such-dir"
  }
  expect_failures = [aws_lambda_function.function]
}

# EventBridge's default quota for an event pattern is 2,048 characters; the provider only
# rejects patterns over 4,096, and EventBridge itself only once apply creates the rule.
run "rejects_an_event_pattern_longer_than_the_quota" {
  command = plan
  variables {
    policy_file = "tests/policies/many-products.yaml"
  }
  expect_failures = [aws_cloudwatch_event_rule.findings]
}

run "accepts_that_pattern_once_the_quota_is_raised" {
  command = plan
  variables {
    policy_file              = "tests/policies/many-products.yaml"
    event_pattern_max_length = 4096
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.findings.event_pattern) > 2048 && length(aws_cloudwatch_event_rule.findings.event_pattern) <= 4096
    error_message = "The many-products policy must give a pattern between the default quota and the highest one."
  }
}

run "rejects_an_event_pattern_quota_beyond_eventbridge_s_limit" {
  command = plan
  variables {
    event_pattern_max_length = 5000
  }
  expect_failures = [var.event_pattern_max_length]
}

# With ses_domain, the outputs give the DNS records that verify it (Easy DKIM). The tokens
# are SES's, known after apply; here the mocked identity gets three.
run "dkim_records_of_the_ses_domain" {
  command = apply
  variables {
    ses_domain = "example.com"
  }

  override_resource {
    target = aws_sesv2_email_identity.domain
    values = {
      dkim_signing_attributes = { tokens = ["tokena", "tokenb", "tokenc"] }
    }
  }

  assert {
    condition     = output.ses_domain_dkim_tokens == ["tokena", "tokenb", "tokenc"]
    error_message = "The DKIM tokens of the domain must be an output."
  }
  assert {
    condition = output.ses_domain_dns_records == [
      { name = "tokena._domainkey.example.com", type = "CNAME", value = "tokena.dkim.amazonses.com" },
      { name = "tokenb._domainkey.example.com", type = "CNAME", value = "tokenb.dkim.amazonses.com" },
      { name = "tokenc._domainkey.example.com", type = "CNAME", value = "tokenc.dkim.amazonses.com" },
    ]
    error_message = "Each token must give a CNAME <token>._domainkey.<domain> to <token>.dkim.amazonses.com."
  }
}

run "no_dns_records_without_an_ses_domain" {
  command = plan

  assert {
    condition     = length(output.ses_domain_dkim_tokens) == 0 && length(output.ses_domain_dns_records) == 0
    error_message = "Without ses_domain there is nothing to put in DNS."
  }
}

# The policy is in the table, not in an environment variable: a policy of 2,870 characters
# whose rule names are Japanese, 4,394 bytes in UTF-8, more than Lambda allows for a whole
# environment, deploys as it is.
run "keeps_a_policy_beyond_4_kb_in_the_table" {
  command = plan
  variables {
    policy_file = "tests/policies/non-ascii-names.yaml"
  }

  assert {
    condition     = jsondecode(jsondecode(aws_dynamodb_table_item.policy.item).value.S).policy == yamldecode(file("tests/policies/non-ascii-names.yaml"))
    error_message = "The policy document must hold the whole policy."
  }
  assert {
    condition     = alltrue([for fn in aws_lambda_function.function : length(fn.environment[0].variables.POLICY_SHA256) == 64])
    error_message = "The functions get the policy's hash only."
  }
}

# Lambda's 4 KB for environment variables are bytes, names and values: SECRETS holds one ARN
# per secret, about 110 bytes each here, so 40 of them do not fit beside the other variables.
# (No destination names them either, which the check on mapped secrets reports.)
run "rejects_an_environment_over_4_kb" {
  command = plan
  variables {
    secrets = { for i in range(40) : "DESTINATION_SECRET_${i}" => "arn:aws:ssm:eu-west-1:123456789012:parameter/sechub-alerts/destinations/secret-${i}" }
  }
  expect_failures = [aws_lambda_function.function, check.every_mapped_secret_is_named]
}

run "reserves_concurrency_only_for_the_functions_named" {
  command = plan
  variables {
    reserved_concurrency = { notify = 5, daily = 1 }
  }

  assert {
    condition     = aws_lambda_function.function["notify"].reserved_concurrent_executions == 5 && aws_lambda_function.function["daily"].reserved_concurrent_executions == 1
    error_message = "The functions named in reserved_concurrency get that many concurrent executions."
  }
  assert {
    condition     = aws_lambda_function.function["check-record"].reserved_concurrent_executions == -1 && aws_lambda_function.function["check-age"].reserved_concurrent_executions == -1
    error_message = "The other functions stay unreserved."
  }
}

run "reserves_nothing_by_default" {
  command = plan

  assert {
    condition     = alltrue([for function in aws_lambda_function.function : function.reserved_concurrent_executions == -1])
    error_message = "By default no function reserves concurrency."
  }
}

run "rejects_reserved_concurrency_for_an_unknown_function" {
  command = plan
  variables {
    reserved_concurrency = { notifier = 5 }
  }
  expect_failures = [var.reserved_concurrency]
}

run "rejects_a_reserved_concurrency_of_zero" {
  command = plan
  variables {
    reserved_concurrency = { notify = 0 }
  }
  expect_failures = [var.reserved_concurrency]
}

# A policy with destinations, the account directory from Organizations, a digest rule and
# snoozes, its secrets mapped.
run "deploys_a_policy_with_destinations_organizations_and_a_digest" {
  command = plan
  variables {
    policy_file           = "tests/policies/destinations.yaml"
    secrets               = var.destination_secrets
    baseline_on_first_run = true
  }

  assert {
    condition     = jsondecode(jsondecode(aws_dynamodb_table_item.policy.item).value.S).policy == yamldecode(file("tests/policies/destinations.yaml"))
    error_message = "The policy document must hold every section of the policy file."
  }
  assert {
    condition     = jsondecode(aws_lambda_function.function["notify"].environment[0].variables.SECRETS) == var.destination_secrets && jsondecode(aws_lambda_function.function["daily"].environment[0].variables.SECRETS) == var.destination_secrets
    error_message = "notify and daily get the secrets' locations as SECRETS."
  }
  assert {
    condition     = aws_lambda_function.function["daily"].environment[0].variables.BASELINE_FIRST_RUN == "true"
    error_message = "baseline_on_first_run reaches the daily job."
  }
  assert {
    condition     = aws_cloudwatch_event_rule.daily.schedule_expression == "rate(1 hour)" && output.daily_schedule_expression == "rate(1 hour)"
    error_message = "With a digest rule the daily job runs hourly by default."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.findings.event_pattern).detail.findings["$or"][0].ProductArn == [{ suffix = "/aws/guardduty" }, { suffix = "/aws/inspector" }, { suffix = "/aws/securityhub" }]
    error_message = "The event pattern follows the rules' products, whatever else the policy holds."
  }
}

run "fails_when_a_destination_names_a_secret_that_is_not_mapped" {
  command = plan
  variables {
    policy_file = "tests/policies/destinations.yaml"
    secrets     = { for name, arn in var.destination_secrets : name => arn if name != "SIEM_HMAC" }
  }
  expect_failures = [aws_dynamodb_table_item.policy]
}

run "rejects_a_daily_schedule_for_a_policy_with_digests" {
  command = plan
  variables {
    policy_file         = "tests/policies/destinations.yaml"
    secrets             = var.destination_secrets
    schedule_expression = "cron(0 6 * * ? *)"
  }
  expect_failures = [aws_cloudwatch_event_rule.daily]
}

run "rejects_a_rate_of_two_hours_for_a_policy_with_digests" {
  command = plan
  variables {
    policy_file         = "tests/policies/destinations.yaml"
    secrets             = var.destination_secrets
    schedule_expression = "rate(2 hours)"
  }
  expect_failures = [aws_cloudwatch_event_rule.daily]
}

run "accepts_an_hourly_cron_for_a_policy_with_digests" {
  command = plan
  variables {
    policy_file         = "tests/policies/destinations.yaml"
    secrets             = var.destination_secrets
    schedule_expression = "cron(15 0/1 * * ? *)"
  }

  assert {
    condition     = output.daily_schedule_expression == "cron(15 0/1 * * ? *)"
    error_message = "An hourly cron is kept as given."
  }
}

run "accepts_a_rate_in_minutes_for_a_policy_with_digests" {
  command = plan
  variables {
    policy_file         = "tests/policies/destinations.yaml"
    secrets             = var.destination_secrets
    schedule_expression = "rate(30 minutes)"
  }

  assert {
    condition     = output.daily_schedule_expression == "rate(30 minutes)"
    error_message = "A rate of 30 minutes is kept as given."
  }
}

run "keeps_any_schedule_given_for_a_policy_without_digests" {
  command = plan
  variables {
    schedule_expression = "rate(7 days)"
  }

  assert {
    condition     = output.daily_schedule_expression == "rate(7 days)"
    error_message = "Without digest rules any schedule goes."
  }
}

run "rejects_secrets_keyed_by_something_other_than_a_secret_name" {
  command = plan
  variables {
    secrets = { "slack-webhook" = "arn:aws:ssm:eu-west-1:123456789012:parameter/sechub/slack" }
  }
  expect_failures = [var.secrets]
}

run "rejects_a_partial_secrets_manager_arn" {
  command = plan
  variables {
    secrets = { SLACK_WEBHOOK = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack" }
  }
  expect_failures = [var.secrets]
}

run "rejects_an_ssm_parameter_name_instead_of_its_arn" {
  command = plan
  variables {
    secrets = { SLACK_WEBHOOK = "/sechub/slack" }
  }
  expect_failures = [var.secrets]
}

run "rejects_a_key_alias_for_the_keys_of_secrets_and_topics" {
  command = plan
  variables {
    secrets_kms_key_arns = ["arn:aws:kms:eu-west-1:123456789012:alias/sechub"]
    sns_kms_key_arns     = ["alias/aws/sns"]
  }
  expect_failures = [var.secrets_kms_key_arns, var.sns_kms_key_arns]
}

# In the SES sandbox every address the policy mails needs an identity; "owners" and
# destination names in the notify lists are not addresses.
run "verifies_only_the_addresses_of_a_policy_with_owners_and_destinations" {
  command = plan
  variables {
    policy_file       = "tests/policies/destinations.yaml"
    secrets           = var.destination_secrets
    verify_recipients = true
  }

  assert {
    condition     = keys(aws_sesv2_email_identity.recipient) == ["ciso@example.com", "payments-team@example.com", "security-team@example.com"]
    error_message = "The rules' addresses (fallbacks and escalations too) and the accounts' owners get identities, and nothing else."
  }
}
