# The same program in Terraform: a regional cluster keeping its default pool, and a pool
# pinned to two zones.
provider "google" {
  project = "acme-prod"
  zone    = "us-central1-f"
}

resource "google_container_cluster" "regional" {
  name               = "regional"
  location           = "us-central1"
  initial_node_count = 1
}

resource "google_container_node_pool" "batch" {
  name           = "batch"
  cluster        = google_container_cluster.regional.id
  location       = "us-central1"
  node_locations = ["us-central1-a", "us-central1-b"]
  node_count     = 2
  node_config {
    machine_type = "e2-standard-4"
    disk_size_gb = 50
    disk_type    = "pd-standard"
  }
}
