# sechub-alerts in AWS: Security Hub findings go through an EventBridge rule to a
# Step Functions workflow whose Lambda tasks keep one DynamoDB record per finding
# and email through SES; a scheduled rule runs the daily job. Files per concern:
# policy.tf (policy file and event pattern), lambda.tf, iam.tf, events.tf,
# stepfunctions.tf, dynamodb.tf, ses.tf, monitoring.tf.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix
  region     = data.aws_region.current.id

  lambda_dist_dir = coalesce(var.lambda_dist_dir, "${path.module}/../dist/lambda")

  # The four functions of the AWS contract; each gets its own role and log group. The
  # timeouts of the three workflow tasks and the retries in state-machine.asl.json share
  # the workflow's 300 seconds: change them together (test/infra/retry-budget.test.ts).
  functions = {
    check-record = {
      description = "Is the finding new, tracked, or closed? Reads its DynamoDB record."
      memory_size = var.task_memory_mb
      timeout     = 8
      environment = {}
    }
    check-age = {
      description = "Is a first notification or a reminder due for the finding?"
      memory_size = var.task_memory_mb
      timeout     = 8
      environment = {}
    }
    notify = {
      description = "Claims the finding, sends its email through SES, confirms the claim."
      memory_size = var.task_memory_mb
      timeout     = 20
      environment = merge(
        { SECURITY_HUB_WRITE_BACK = tostring(var.write_back), SECRETS = local.secrets_variable },
        { for name, value in { CLAIM_SECONDS = var.claim_seconds } : name => tostring(value) if value != null },
      )
    }
    daily = {
      description = "Daily job: reminders that fell due, digests, and forgetting findings that are no longer active."
      memory_size = var.daily_memory_mb
      timeout     = 900
      environment = {
        SECURITY_HUB_WRITE_BACK = tostring(var.write_back)
        SECRETS                 = local.secrets_variable
        BASELINE_FIRST_RUN      = tostring(var.baseline_on_first_run)
      }
    }
  }

  # The policy itself is in the table (dynamodb.tf); the functions get its hash, so that a
  # function version runs only the policy it was deployed with.
  common_environment = {
    TABLE_NAME              = aws_dynamodb_table.findings.name
    POLICY_SHA256           = local.policy_document_sha256
    LOG_LEVEL               = var.log_level
    POWERTOOLS_SERVICE_NAME = "sechub-alerts"
  }

  # Where the destinations' secrets are kept, by name: locations, never values.
  secrets_variable = jsonencode(var.secrets)

  alarm_actions = var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]
}
