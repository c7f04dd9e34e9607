MATCH (t:tasks|chores)
WHERE drasi.future(t.status = 'open', t.due)
RETURN t.id AS id, time(t.due) AS dueTime, datetime(t.due).minute AS dueMinute,
       time.truncate('hour', t.due) + duration({minutes: 90}) AS reviewAt
