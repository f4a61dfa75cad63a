output "chart_values" {
  description = "Values per chart taken from the infrastructure (also written to values_dir)."
  value       = local.chart_values
}

output "secret_names" {
  description = "Secrets written in the namespace, with their keys (never the values)."
  value       = { for name, data in local.secrets : name => sort(keys(data)) }
}

output "namespace" {
  description = "Namespace of the charts and their Secrets."
  value       = kubernetes_namespace_v1.pickey.metadata[0].name
}
