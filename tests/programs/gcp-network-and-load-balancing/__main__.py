"""Networks (auto and custom mode), a router, firewall rules, addresses and global
forwarding rules of two load-balancing schemes."""

import pulumi_gcp as gcp

gcp.compute.Network("legacy")  # auto mode: a subnetwork in every region
custom = gcp.compute.Network("apps", auto_create_subnetworks=False)
for name, cidr in (("apps-eu", "10.10.0.0/20"), ("apps-us", "10.20.0.0/20")):
    gcp.compute.Subnetwork(
        name,
        network=custom.id,
        ip_cidr_range=cidr,
        region="europe-west4" if "eu" in name else "us-east1",
    )
gcp.compute.Router("nat-router", network=custom.id, region="europe-west4")
for name, port in (("allow-https", "443"), ("allow-ssh", "22")):
    gcp.compute.Firewall(
        name,
        network=custom.id,
        allows=[{"protocol": "tcp", "ports": [port]}],
        source_ranges=["0.0.0.0/0"],
    )
gcp.compute.Address("egress", region="europe-west4")
vip = gcp.compute.GlobalAddress("web-vip")
gcp.compute.GlobalForwardingRule(
    "web-https",
    target="projects/acme-prod/global/targetHttpsProxies/web",
    ip_address=vip.address,
    port_range="443",
    load_balancing_scheme="EXTERNAL_MANAGED",
)
gcp.compute.GlobalForwardingRule(
    "web-http-classic", target="projects/acme-prod/global/targetHttpProxies/web", port_range="80"
)
