"""Who may see, read and change a post: the one gate every domain that touches posts uses.

It sits below ``posts``, ``uploads``, ``polls``, ``comments``, ``likes``, ``creators`` and
``realtime`` (and imports none of them), so the rule is written once and no two of those
packages import each other to reach it.
"""
