# The workflow: its definition is infra/state-machine.asl.json (JSONPath, so
# the same file runs locally in tests), with the task ARNs filled in.

resource "aws_cloudwatch_log_group" "state_machine" {
  # The /aws/vendedlogs/ prefix keeps CloudWatch Logs resource policies small.
  name              = "/aws/vendedlogs/states/${var.name_prefix}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_sfn_state_machine" "findings" {
  name     = var.name_prefix
  type     = var.state_machine_type
  role_arn = aws_iam_role.state_machine.arn

  definition = templatefile("${path.module}/state-machine.asl.json", {
    check_record_arn = aws_lambda_function.function["check-record"].arn
    check_age_arn    = aws_lambda_function.function["check-age"].arn
    notify_arn       = aws_lambda_function.function["notify"].arn
  })

  logging_configuration {
    log_destination = "${aws_cloudwatch_log_group.state_machine.arn}:*"
    # Execution data would copy whole findings into the logs.
    include_execution_data = false
    level                  = var.state_machine_log_level
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.state_machine]
}
