-- The Clicks report pages by day: each rolled-up day's number of link-and-sub-id groups per
-- partner (measure 'clicks', dimension 'link_sub_count', n = the day's rows in the report),
-- and per month their sum, so that a page finds its days from these counts and reads the
-- groups of those days only. The rollup writes them from now on; here, the days rolled so far.
INSERT INTO rollups (partner, measure, dimension, span, day, key, n, m, example)
  SELECT partner, 'clicks', 'link_sub_count', 'day', day, '', count(*), 0, NULL FROM rollups
  WHERE measure = 'clicks' AND dimension = 'link_sub' AND span = 'day'
  GROUP BY partner, day;
INSERT INTO rollups (partner, measure, dimension, span, day, key, n, m, example)
  SELECT partner, 'clicks', 'link_sub_count', 'month',
         CAST(strftime('%s', day * 86400, 'unixepoch', 'start of month') AS INTEGER) / 86400, '', sum(n), 0, NULL
  FROM rollups
  WHERE measure = 'clicks' AND dimension = 'link_sub_count' AND span = 'day'
  GROUP BY 1, 5;
