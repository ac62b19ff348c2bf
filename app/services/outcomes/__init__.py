"""What the team's work achieved, in the person's record: reablement episodes and
their 91-day check, goal reviews, hospital and urgent care events, experience."""
