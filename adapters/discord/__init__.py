"""The Discord adapter: application commands, buttons and forms over discord.py 2.x."""
