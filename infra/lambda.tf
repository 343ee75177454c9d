# The four functions, built by `npm run build` into dist/lambda/<name>.zip.

locals {
  # What each function finds in its environment.
  function_environment = { for name, function in local.functions : name => merge(local.common_environment, function.environment) }

  # Lambda allows 4 KB for all of a function's environment variables, counted in bytes: the
  # UTF-8 of every name and value. length() counts characters, so the bytes come from base64,
  # which writes each 3 bytes as 4 characters and pads the last group with "=" (one for 2
  # bytes, two for 1): bytes = 3 × length / 4 − padding, exactly. Counted per variable, so
  # that a plan over the limit can say which variable takes the most.
  environment_base64 = { for name, variables in local.function_environment : name => { for key, value in variables : key => base64encode("${key}${value}") } }
  variable_bytes     = { for name, encoded in local.environment_base64 : name => { for key, text in encoded : key => length(text) / 4 * 3 - length(regex("=*$", text)) } }
  environment_bytes  = { for name, sizes in local.variable_bytes : name => sum(concat([0], values(sizes))) }
  largest_variable   = { for name, sizes in local.variable_bytes : name => try([for key, size in sizes : key if size == max(values(sizes)...)][0], "none") }
  environment_limit  = 4096
}

resource "aws_cloudwatch_log_group" "function" {
  for_each = local.functions

  name              = "/aws/lambda/${var.name_prefix}-${each.key}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "function" {
  for_each = local.functions

  function_name    = "${var.name_prefix}-${each.key}"
  description      = each.value.description
  role             = aws_iam_role.function[each.key].arn
  filename         = "${local.lambda_dist_dir}/${each.key}.zip"
  source_code_hash = fileexists("${local.lambda_dist_dir}/${each.key}.zip") ? filebase64sha256("${local.lambda_dist_dir}/${each.key}.zip") : null
  handler          = "index.handler"
  runtime          = "nodejs22.x"
  architectures    = ["arm64"]
  memory_size      = each.value.memory_size
  timeout          = each.value.timeout

  # Unreserved (the provider's -1) unless reserved_concurrency names the function.
  reserved_concurrent_executions = lookup(var.reserved_concurrency, each.key, -1)

  environment {
    variables = local.function_environment[each.key]
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.function[each.key].name
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = fileexists("${local.lambda_dist_dir}/${each.key}.zip")
      error_message = "${local.lambda_dist_dir}/${each.key}.zip is missing: run `npm ci && npm run build` in the repository first, or set lambda_dist_dir."
    }
    precondition {
      # SECRETS, one ARN per secret, is most of the environment of notify and daily.
      condition     = local.environment_bytes[each.key] <= local.environment_limit
      error_message = "The environment of ${each.key} would be ${local.environment_bytes[each.key]} bytes (UTF-8, names and values) and Lambda allows ${local.environment_limit}; ${local.largest_variable[each.key]} takes ${try(local.variable_bytes[each.key][local.largest_variable[each.key]], 0)} of them. Map only the secrets the policy's destinations name, or give them shorter names and shorter secret or parameter names."
    }
  }

  # The role's permissions (logs included) must exist before the first invocation, and
  # the policy document this version's POLICY_SHA256 names must be in the table.
  depends_on = [aws_iam_role_policy.function, aws_dynamodb_table_item.policy]
}

# The daily job is invoked asynchronously by its schedule; an invocation that
# still fails after Lambda's retries goes to the dead-letter queue too.
resource "aws_lambda_function_event_invoke_config" "daily" {
  function_name                = aws_lambda_function.function["daily"].function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 21600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.dead_letter.arn
    }
  }

  depends_on = [aws_iam_role_policy.function]
}

resource "aws_lambda_permission" "daily_schedule" {
  statement_id  = "AllowDailySchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.function["daily"].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.daily.arn
}
