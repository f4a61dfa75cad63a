"""Comments on posts: one level of replies, edited by their author, removed by their author or by
the post's creator."""
