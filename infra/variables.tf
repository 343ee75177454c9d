variable "name_prefix" {
  description = "Prefix of every resource name (functions, roles, table, state machine, rules, queue, alarms)."
  type        = string
  default     = "sechub-alerts"

  validation {
    # Leaves room for the longest suffix ("-check-record") within the 64-character limits of Lambda and IAM names.
    condition     = can(regex("^[a-z][a-z0-9-]{0,38}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 2 to 40 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "policy_file" {
  description = "Path of the policy YAML file, the same file the command line reads (check it with `sechub-alerts validate-config`). It sets the sender, the rules and the event pattern of the findings rule."
  type        = string

  validation {
    condition     = fileexists(var.policy_file)
    error_message = "policy_file must name an existing file."
  }

  validation {
    condition     = can(tostring(yamldecode(file(var.policy_file)).sender)) && length(try(yamldecode(file(var.policy_file)).rules, [])) > 0
    error_message = "policy_file must be a YAML policy with a sender and at least one rule."
  }
}

variable "lambda_dist_dir" {
  description = "Directory holding the function zips that `npm run build` writes (check-record.zip, check-age.zip, notify.zip, daily.zip). Null means dist/lambda of this repository."
  type        = string
  default     = null
}

variable "state_machine_type" {
  description = "EXPRESS (default: cheapest per execution, history only in CloudWatch Logs) or STANDARD (full execution history in the console, more expensive per state transition)."
  type        = string
  default     = "EXPRESS"

  validation {
    condition     = contains(["EXPRESS", "STANDARD"], var.state_machine_type)
    error_message = "state_machine_type must be EXPRESS or STANDARD."
  }
}

variable "state_machine_log_level" {
  description = "What the state machine logs to CloudWatch. Execution data is never included, so findings never reach these logs."
  type        = string
  default     = "ERROR"

  validation {
    condition     = contains(["ALL", "ERROR", "FATAL", "OFF"], var.state_machine_log_level)
    error_message = "state_machine_log_level must be one of ALL, ERROR, FATAL, OFF."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the logs of the functions and the state machine."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "log_level" {
  description = "Level of the functions' structured logs (LOG_LEVEL)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "log_level must be one of DEBUG, INFO, WARN, ERROR."
  }
}

variable "schedule_expression" {
  description = "When the daily job runs (reminders that fell due, digests, and forgetting findings that are no longer active): an EventBridge cron() or rate() expression, in UTC. Null runs it hourly, rate(1 hour), when the policy has digest rules, else daily at 06:00 UTC, cron(0 6 * * ? *). With digest rules, only an hourly or more frequent schedule is accepted."
  type        = string
  default     = null

  validation {
    condition     = var.schedule_expression == null || can(regex("^(cron|rate)\\(.+\\)$", var.schedule_expression))
    error_message = "schedule_expression must be an EventBridge cron(...) or rate(...) expression, or null."
  }
}

variable "baseline_on_first_run" {
  description = "Whether the daily job's first runs adopt the backlog (BASELINE_FIRST_RUN of daily): every active finding in scope is recorded as notified and nothing is sent for it, once, so a new deployment starts from today's findings instead of mailing every open one. Findings that arrive through the findings rule meanwhile are notified as usual."
  type        = bool
  default     = false
}

variable "secrets" {
  description = "Where each secret the policy's destinations name is kept, by name (SLACK_WEBHOOK = ARN): the full ARN of a Secrets Manager secret (ending in the six characters Secrets Manager adds to the name) or of an SSM SecureString parameter. The functions notify and daily get the map as SECRETS (locations, never values) and may read exactly the secrets the policy names."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.secrets) : can(regex("^[A-Za-z_][A-Za-z0-9_]{0,127}$", name))])
    error_message = "secrets must be keyed by secret names as the policy writes them: a letter or underscore, then letters, digits and underscores (at most 128), like SLACK_WEBHOOK."
  }

  validation {
    condition = alltrue([
      for location in values(var.secrets) :
      can(regex("^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$", location)) ||
      can(regex("^arn:aws(-cn|-us-gov)?:ssm:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:parameter/[A-Za-z0-9_.-][A-Za-z0-9_./-]*$", location))
    ])
    error_message = "Each value of secrets must be the full ARN of a Secrets Manager secret, arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters> (as create-secret prints it; a partial ARN would not match the IAM policy), or of an SSM parameter, arn:<partition>:ssm:<region>:<account>:parameter/<name without its leading slash>."
  }
}

variable "secrets_kms_key_arns" {
  description = "Customer managed KMS keys that encrypt the secrets (Secrets Manager secrets or SSM SecureString parameters): notify and daily may decrypt with them through Secrets Manager and SSM only. Leave empty for secrets under the AWS managed keys aws/secretsmanager and aws/ssm."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.secrets_kms_key_arns : can(regex("^arn:aws(-cn|-us-gov)?:kms:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:key/[A-Za-z0-9-]+$", arn))])
    error_message = "secrets_kms_key_arns must be KMS key ARNs, arn:<partition>:kms:<region>:<account>:key/<key id> (not aliases: an IAM policy grants on the key)."
  }
}

variable "sns_kms_key_arns" {
  description = "Customer managed KMS keys that encrypt the SNS topics of the policy's destinations: notify and daily may use them through SNS only, to publish. Leave empty for unencrypted topics or topics under the AWS managed key aws/sns."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.sns_kms_key_arns : can(regex("^arn:aws(-cn|-us-gov)?:kms:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:key/[A-Za-z0-9-]+$", arn))])
    error_message = "sns_kms_key_arns must be KMS key ARNs, arn:<partition>:kms:<region>:<account>:key/<key id> (not aliases: an IAM policy grants on the key)."
  }
}

variable "write_back" {
  description = "Whether notify and daily update the finding in Security Hub after an email (Workflow NOTIFIED and a note). Grants securityhub:BatchUpdateFindings only when true."
  type        = bool
  default     = false
}

variable "claim_seconds" {
  description = "How long a claim taken before a send blocks other executions for the same finding (CLAIM_SECONDS of notify). Null keeps the built-in default."
  type        = number
  default     = null

  validation {
    condition     = var.claim_seconds == null || try(var.claim_seconds >= 90 && var.claim_seconds <= 3600 && floor(var.claim_seconds) == var.claim_seconds, false)
    error_message = "claim_seconds must be a whole number of seconds from 90 to 3600 (well beyond the notify function's 20-second timeout), or null."
  }
}

variable "task_memory_mb" {
  description = "Memory of the three state machine task functions (check-record, check-age, notify)."
  type        = number
  default     = 256

  validation {
    condition     = var.task_memory_mb >= 128 && var.task_memory_mb <= 10240
    error_message = "task_memory_mb must be from 128 to 10240."
  }
}

variable "daily_memory_mb" {
  description = "Memory of the daily function, which reads all tracked records and pages through Security Hub."
  type        = number
  default     = 1024

  validation {
    condition     = var.daily_memory_mb >= 128 && var.daily_memory_mb <= 10240
    error_message = "daily_memory_mb must be from 128 to 10240."
  }
}

variable "reserved_concurrency" {
  description = "Concurrent executions reserved for each function, by name (check-record, check-age, notify, daily); the same number is that function's ceiling, so a burst of findings cannot take the account's whole Lambda concurrency (throttled task invocations are retried by the state machine). A function left out is unreserved: the default {} reserves nothing."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.reserved_concurrency) : contains(["check-record", "check-age", "notify", "daily"], name)])
    error_message = "reserved_concurrency names functions of this module only: check-record, check-age, notify, daily."
  }

  validation {
    condition     = alltrue([for limit in values(var.reserved_concurrency) : limit >= 1 && floor(limit) == limit])
    error_message = "reserved_concurrency values must be whole numbers of at least 1 (0 would stop the function; leave it out to keep it unreserved)."
  }
}

variable "event_max_retry_attempts" {
  description = "How often EventBridge retries delivering an event to a target before it goes to the dead-letter queue."
  type        = number
  default     = 185

  validation {
    condition     = var.event_max_retry_attempts >= 0 && var.event_max_retry_attempts <= 185
    error_message = "event_max_retry_attempts must be from 0 to 185."
  }
}

variable "event_max_age_seconds" {
  description = "How long EventBridge keeps retrying an event before it goes to the dead-letter queue."
  type        = number
  default     = 86400

  validation {
    condition     = var.event_max_age_seconds >= 60 && var.event_max_age_seconds <= 86400
    error_message = "event_max_age_seconds must be from 60 to 86400."
  }
}

variable "event_pattern_max_length" {
  description = "Longest event pattern, in characters, that EventBridge accepts in this account and Region: the quota \"Event pattern size\" (2,048 by default, adjustable through Service Quotas up to 4,096). A plan fails when the findings rule's pattern, derived from the policy, is longer."
  type        = number
  default     = 2048

  validation {
    condition     = var.event_pattern_max_length > 0 && var.event_pattern_max_length <= 4096 && floor(var.event_pattern_max_length) == var.event_pattern_max_length
    error_message = "event_pattern_max_length must be a whole number from 1 to 4096 (EventBridge's quota cannot go beyond 4,096 characters)."
  }
}

variable "table_deletion_protection" {
  description = "Whether the DynamoDB table is protected from deletion (turn off before `terraform destroy`)."
  type        = bool
  default     = true
}

variable "ses_domain" {
  description = "Optional domain to verify in SES as well (with Easy DKIM), e.g. the sender's domain. Null creates only the sender's email identity."
  type        = string
  default     = null

  validation {
    condition     = var.ses_domain == null || can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.ses_domain))
    error_message = "ses_domain must be a lower-case domain name such as example.com, or null."
  }
}

variable "verify_recipients" {
  description = "Whether to create an SES email identity for every recipient in the policy. Needed while the account's SES is in the sandbox, where mail goes only to verified addresses; each recipient gets a verification email."
  type        = bool
  default     = false
}

variable "alarm_sns_topic_arn" {
  description = "Optional SNS topic that the alarms notify (when they fire and when they clear). Null leaves the alarms without actions."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_sns_topic_arn == null || can(regex("^arn:[a-z-]+:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]+$", var.alarm_sns_topic_arn))
    error_message = "alarm_sns_topic_arn must be an SNS topic ARN, or null."
  }
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for key in keys(var.tags) : !startswith(lower(key), "aws:")])
    error_message = "Tag keys may not start with \"aws:\"."
  }
}
