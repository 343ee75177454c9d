# One item per tracked finding (pk "finding#<key>") and per named cursor
# (pk "cursor#<name>"). TTL on "ttl" is a backstop so the table cannot grow
# forever even if the daily job stops running.
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
