"""Errors shared by the device drivers."""


class DeviceError(Exception):
    """Base class of every error raised by :mod:`devices`."""


class DeviceDependencyError(DeviceError):
    """A native library, system package or Python package the device needs is missing.

    The message is written for the technician and names what to install; it is raised only when
    such a device is actually created, never at import time.
    """
