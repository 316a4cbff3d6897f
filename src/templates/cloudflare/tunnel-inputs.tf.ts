// The inputs both provider versions' tunnel files take: the same three IDs, one definition.
export default `variable "cloudflare_account_id" {
  description = "Cloudflare account ID"
  type        = string
}

variable "cloudflare_zone_id" {
  description = "Zone ID of the domain"
  type        = string
}

variable "cloudflare_tunnel_id" {
  description = "ID of the existing tunnel your cloudflared runs"
  type        = string
}
`;
