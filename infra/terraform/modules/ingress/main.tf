# The ingress controller the charts' Ingresses use (className nginx). Its LoadBalancer Service
# makes DigitalOcean's cloud controller create the load balancer: a load balancer created by
# Terraform could not be adopted by a Service (DigitalOcean Kubernetes only uses load balancers
# it created itself), so Terraform names it through the Service's annotations and reads its
# address back for the DNS records. Installed here rather than by Argo CD because the DNS
# records need the address within the same apply.

resource "helm_release" "ingress_nginx" {
  name             = "ingress-nginx"
  namespace        = "ingress-nginx"
  create_namespace = true
  repository       = "https://kubernetes.github.io/ingress-nginx"
  chart            = "ingress-nginx"
  version          = var.chart_version

  # Helm waits for the LoadBalancer Service to get its address.
  wait    = true
  timeout = 900

  values = [yamlencode({
    controller = {
      replicaCount = var.replicas
      ingressClassResource = {
        name    = "nginx"
        default = true
      }
      # Cloudflare is in front and the load balancer admits nothing else (allow-rules below),
      # so the client's address is the CF-Connecting-IP header Cloudflare sets on every
      # request; nginx passes it on as X-Forwarded-For. Whatever hop nginx sees (the load
      # balancer, a node) may send it: no one else can reach the load balancer.
      config = {
        "use-forwarded-headers" = "true"
        "forwarded-for-header"  = "CF-Connecting-IP"
        "proxy-real-ip-cidr"    = "0.0.0.0/0"
      }
      service = {
        type = "LoadBalancer"
        annotations = {
          "service.beta.kubernetes.io/do-loadbalancer-name"                             = var.load_balancer_name
          "service.beta.kubernetes.io/do-loadbalancer-size-unit"                        = "1"
          "service.beta.kubernetes.io/do-loadbalancer-allow-rules"                      = join(",", [for cidr in var.allowed_source_cidrs : "cidr:${cidr}"])
          "service.beta.kubernetes.io/do-loadbalancer-disable-lets-encrypt-dns-records" = "true"
        }
      }
    }
  })]
}

data "kubernetes_service_v1" "ingress" {
  metadata {
    name      = "ingress-nginx-controller"
    namespace = helm_release.ingress_nginx.namespace
  }

  depends_on = [helm_release.ingress_nginx]
}
