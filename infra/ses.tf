# SES identities: the policy's sender, optionally its domain, and, while the
# account is in the SES sandbox, every recipient (each gets a verification email).

locals {
  sender = local.policy.sender

  ses_identity_arns = concat(
    [aws_sesv2_email_identity.sender.arn],
    [for identity in aws_sesv2_email_identity.domain : identity.arn],
    # In the sandbox SES also authorises the send against each recipient's identity.
    [for identity in aws_sesv2_email_identity.recipient : identity.arn],
  )
}

resource "aws_sesv2_email_identity" "sender" {
  email_identity = local.sender
  tags           = var.tags
}

resource "aws_sesv2_email_identity" "domain" {
  for_each = var.ses_domain == null ? toset([]) : toset([var.ses_domain])

  email_identity = each.key
  tags           = var.tags
}

resource "aws_sesv2_email_identity" "recipient" {
  for_each = var.verify_recipients ? toset([for address in local.recipients : address if address != local.sender]) : toset([])

  email_identity = each.key
  tags           = var.tags
}
