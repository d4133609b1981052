"""The touch kiosk of the service hall (Kivy): dues look-up by card, disclosure board, honor roll.

A thin client: card events become API calls, API answers become screens, print documents go to
the printer. It holds no business rule, imports nothing from ``backend`` and no SQLAlchemy, and
talks to the backend only through :mod:`kiosk.client`.
"""
