"""Device drivers of the service hall: IC-card readers and thermal receipt printers.

This package knows nothing of party affairs: a card reader yields card identifiers, a printer
turns a device-neutral print document into bytes (or a PNG preview). It imports neither Kivy,
Flask nor SQLAlchemy.
"""
