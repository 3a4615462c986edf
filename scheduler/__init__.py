"""The scheduler process: owns every timer and the pod lifecycle; sends jobs to handlers over ZMQ.

It never imports :mod:`bot`. The bot imports only :mod:`scheduler.client` and
:mod:`scheduler.protocol` from here.
"""
