"""The working-day calendar back office: who may see and change a region's calendar (audited).

The calendar's data and arithmetic live in ``mpp.regions`` at the bottom; this package adds the
policy checks and the audit trail above them, and ``mpp.web.calendar`` shows them.
"""
