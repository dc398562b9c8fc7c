"""The Slack adapter: the only place that imports slack_bolt and slack_sdk.

``app.build_app`` turns slash commands, buttons and modals into core commands;
``render`` turns neutral messages into Block Kit; ``platform.SlackPlatform``
delivers scheduled messages; ``main.run`` starts Socket Mode or HTTP mode.
"""
