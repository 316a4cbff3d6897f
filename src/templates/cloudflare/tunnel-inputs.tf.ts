// The inputs both provider versions' Cloudflare files take. They are not installer answers (IDs of
// the user's account, not of the gateway): Terraform asks for them, or TF_VAR_cloudflare_* (NOTES.md).
// Declared only where used: Terraform requires a value for every root variable without a default,
// used or not (cloudflareInputs() in tunnel.ts lists the same for NOTES.md).
export default `{{#if needsAccount}}
variable "cloudflare_account_id" {
  description = "Cloudflare account ID"
  type        = string
}

{{/if}}
variable "cloudflare_zone_id" {
  description = "Zone ID of the domain"
  type        = string
}
{{#unless createTunnel}}

variable "cloudflare_tunnel_id" {
  description = "ID of the existing tunnel your cloudflared runs (its routes stay as they are)"
  type        = string

  # The DNS record is a CNAME to <id>.cfargotunnel.com: a tunnel name here would apply cleanly and
  # route nowhere.
  validation {
    condition     = can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", var.cloudflare_tunnel_id))
    error_message = "The cloudflare_tunnel_id must be the tunnel's UUID (cloudflared tunnel list, or Networks > Tunnels in the dashboard), not its name."
  }
}
{{/unless}}
`;
