# The same program in Terraform: an Auto Scaling group launching from a launch template.
provider "aws" {
  region = "us-west-2"
}

resource "aws_launch_template" "web" {
  image_id      = "ami-0abc"
  instance_type = "m5.large"
}

resource "aws_autoscaling_group" "web" {
  min_size            = 2
  max_size            = 8
  desired_capacity    = 4
  vpc_zone_identifier = ["subnet-0a", "subnet-0b"]
  launch_template {
    id      = aws_launch_template.web.id
    version = "$Latest"
  }
}
