# SES identities: the policy's sender, optionally its domain, and, while the
# account is in the SES sandbox, every recipient (each gets a verification email).

locals {
  sender = local.policy.sender

  # Spelled from the identities' names, so the policies are known at plan time (iam.tf).
  ses_identity_arns = [
    for identity in concat(
      [aws_sesv2_email_identity.sender.email_identity],
      [for domain in aws_sesv2_email_identity.domain : domain.email_identity],
      # In the sandbox SES also authorises the send against each recipient's identity.
      [for recipient in aws_sesv2_email_identity.recipient : recipient.email_identity],
    ) : "${local.arn_prefix}:ses:${local.in_account}:identity/${identity}"
  ]
}

resource "aws_sesv2_email_identity" "sender" {
  email_identity = local.sender
  tags           = var.tags
}

resource "aws_sesv2_email_identity" "domain" {
  for_each = var.ses_domain == null ? toset([]) : toset([var.ses_domain])

  email_identity = each.key
  tags           = var.tags

  # Easy DKIM with 2048-bit keys. Written out, the block also makes its tokens part of
  # the plan (known after apply) rather than an empty list.
  dkim_signing_attributes {
    next_signing_key_length = "RSA_2048_BIT"
  }
}

# Easy DKIM: SES verifies the domain once three CNAME records point at its keys. The
# outputs list them, so a DNS provider in the calling configuration can create them.
locals {
  dkim_tokens = flatten([for identity in aws_sesv2_email_identity.domain : identity.dkim_signing_attributes[*].tokens])
  dkim_records = [
    for token in local.dkim_tokens : {
      name  = "${token}._domainkey.${var.ses_domain}"
      type  = "CNAME"
      value = "${token}.dkim.amazonses.com"
    }
  ]
}

resource "aws_sesv2_email_identity" "recipient" {
  for_each = var.verify_recipients ? toset([for address in local.recipients : address if address != local.sender]) : toset([])

  email_identity = each.key
  tags           = var.tags
}
