"""govarchive: crawl, archive, extract and serve 政府信息公开工作年度报告."""
