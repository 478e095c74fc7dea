"""What each role's dashboard shows: the student's and the parent's (:mod:`.family`), the
teacher's and the administrator's (:mod:`.staff`)."""
