"""People's endpoints: students' own profile, a student's card, parents' children
(:mod:`.students`), teachers (:mod:`.teachers`)."""
