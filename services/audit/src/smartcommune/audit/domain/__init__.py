"""What an audit finds: positions in the log, chain problems, decision verdicts, exit codes.

Framework-free and I/O-free, so the reports and the tests speak about the same objects.
"""
