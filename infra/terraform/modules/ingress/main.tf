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
      # Cloudflare is in front: trust its forwarded client address only from the load
      # balancer's PROXY protocol header.
      config = {
        "use-proxy-protocol"    = "true"
        "use-forwarded-headers" = "false"
      }
      service = {
        type = "LoadBalancer"
        annotations = {
          "service.beta.kubernetes.io/do-loadbalancer-name"                             = var.load_balancer_name
          "service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol"            = "true"
          "service.beta.kubernetes.io/do-loadbalancer-size-unit"                        = "1"
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
