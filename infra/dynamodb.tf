# One item per tracked finding (pk "finding#<key>"), per named cursor
# (pk "cursor#<name>") and per document (pk "doc#<kind>#<id>": the policy,
# the account directory's cache, digests). TTL on "ttl" is a backstop so the
# table cannot grow forever even if the daily job stops running.
resource "aws_dynamodb_table" "findings" {
  name                        = "${var.name_prefix}-findings"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  deletion_protection_enabled = var.table_deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  ttl {
    attribute_name = "ttl"
    enabled        = true
  }

  server_side_encryption {
    enabled = true
  }

  point_in_time_recovery {
    enabled = true
  }

  tags = var.tags
}

locals {
  # The policy is the document config/policy (POLICY_DOCUMENT in src/core/policy-fingerprint.ts),
  # laid out as documentItemOf in src/adapters/dynamodb/record-item.ts lays out a document.
  policy_document_key = "doc#config#policy"
}

# The policy the functions run. Terraform writes it before it updates the functions
# (lambda.tf depends on it), and each function version runs it only while the stored
# value hashes to its POLICY_SHA256: a container started in between waits (a transient
# error the workflow retries) rather than running another policy than it was deployed with.
resource "aws_dynamodb_table_item" "policy" {
  table_name = aws_dynamodb_table.findings.name
  hash_key   = aws_dynamodb_table.findings.hash_key

  item = jsonencode({
    pk      = { S = local.policy_document_key }
    version = { N = "1" }
    value   = { S = local.policy_document_value }
  })

  lifecycle {
    precondition {
      condition     = length(local.unmapped_secrets) == 0
      error_message = "The policy's destinations name secrets that the variable secrets does not map: ${join(", ", local.unmapped_secret_uses)}. Map each name to the ARN of the Secrets Manager secret or the SSM SecureString parameter that holds its value, e.g. secrets = { ${try(local.unmapped_secrets[0], "NAME")} = \"arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters>\" }."
    }
  }
}

# A secret mapped but named by no destination is granted to no function: say so, rather
# than leave a mapping that looks as if it did something.
check "every_mapped_secret_is_named" {
  assert {
    condition     = length(local.unnamed_secrets) == 0
    error_message = "secrets maps ${join(", ", local.unnamed_secrets)}, which no destination of the policy names: notify and daily may not read them. Remove them from secrets, or name them in a destination."
  }
}
