"""quotapilot's CrossGuard policy pack: `pulumi preview --policy-pack policies/`."""

from quotapilot.gate.pack import serve

serve()
