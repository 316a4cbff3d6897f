// The inputs both provider versions' Cloudflare files take. They are not installer answers (IDs of
// the user's account, not of the gateway): Terraform asks for them, or TF_VAR_cloudflare_* (NOTES.md).
export default `variable "cloudflare_account_id" {
  description = "Cloudflare account ID"
  type        = string
}

variable "cloudflare_zone_id" {
  description = "Zone ID of the domain"
  type        = string
}
{{#unless createTunnel}}

variable "cloudflare_tunnel_id" {
  description = "ID of the existing tunnel your cloudflared runs (its routes stay as they are)"
  type        = string
}
{{/unless}}
`;
