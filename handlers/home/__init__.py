"""The App Home: a person's open retro actions and their team's coverage by principle."""
