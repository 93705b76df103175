"""Notifications: email, in-app inbox and SMS/WhatsApp gateways, delivered in tasks after commit.

Public API (see docs/notifications.md):

- ``mpp.notifications.registry.register_kind(...)`` — declare a kind of message (one call, in your
  app's ``ready()``), with its texts as templates under ``notifications/kinds/<kind>/``.
- ``mpp.notifications.services.notify(user, kind, context, link=..., channels=...)`` — call inside
  your transaction; delivery happens in a task once it commits.
- ``mpp.notifications.registry.gateways`` — plug in an SMS/WhatsApp provider (``base.Gateway``).
"""
