"""The Slack adapter: the only place that imports slack_bolt and slack_sdk.

``app.build_app`` registers the listeners: slash commands (``app``), buttons and
modals (``interactions``) and App Home (``home``), which share a ``listener``;
``answers`` sends the core's replies back; ``render`` turns neutral messages into
Block Kit; ``platform.SlackPlatform`` delivers scheduled messages; ``main.run``
starts Socket Mode or HTTP mode.
"""
