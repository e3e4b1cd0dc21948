"""The phone line: the SIP trunk and dispatch rules on the LiveKit server, and interview codes."""
