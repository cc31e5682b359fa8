"""Weekly retro prompts posted to Slack: the prompt message, and delivering it for the runner."""
