# The same program in Terraform: the default provider, an aliased one, and AWS provider 6's
# per-resource region.
provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "virginia"
  region = "us-east-1"
}

resource "aws_instance" "home" {
  ami           = "ami-0abc"
  instance_type = "m5.large"
}

resource "aws_instance" "replica" {
  provider      = aws.virginia
  ami           = "ami-0abc"
  instance_type = "c5.xlarge"
}

resource "aws_instance" "edge" {
  ami           = "ami-0abc"
  instance_type = "t3.micro"
  region        = "us-west-2"
}
