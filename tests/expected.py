"""What a full crawl of the demo portal must archive: the ground truth the tests share."""

# Every page the crawl must archive, per site: listings (with their pagination, data-proxy calls and
# browser renders) and the detail pages whose link names a report — reports and the notices about
# them. Nothing else: the 40-odd other notices of the Hanweb column are listed but never fetched.
EXPECTED_PAGES = {
    "jiangbei": {  # 大汉: the column shell, then one data-proxy call for records 16–45
        "/col/col1229138290/index.html",
        "/module/web/jpage/dataproxy.jsp?startrecord=16&endrecord=45&perpage=15",
        "/art/2021/1/18/art_1229138290_3676543.html",  # the 2020 report (record 24: proxy only)
        "/art/2021/1/5/art_1229138290_3671208.html",  # 关于报送2020年度…年度报告的通知
    },
    "huancui": {  # JS-only listing, rendered in Chromium, paged by the links the script writes
        "/zwgk/ndbg/index.html", "/zwgk/ndbg/index.html?page=1", "/zwgk/ndbg/index.html?page=2",
        "/zwgk/ndbg/index.html?page=3",
        "/zwgk/ndbg/202101/t20210120_2531177.html",  # the 2020 report
        "/zwgk/ndbg/202101/t20210108_2521050.html",  # 关于做好…年度报告编制和发布工作的通知
        "/zwgk/ndbg/202006/t20200601_2301122.html",  # 关于2019年度…年度报告的解读
    },
    "yanliang": {  # 繁體 site, generic list_N paging
        "/xxgk/gzbg/index.html", "/xxgk/gzbg/list_2.html",
        "/xxgk/gzbg/5fe1a2b3.html",  # the 2020 report, in traditional characters
        "/xxgk/gzbg/5fd0c4e1.html",  # 關於報送…的通知
    },
    "quzhou": {  # older 大汉: the proxy on /module/jpage/dataproxy.jsp
        "/col/col1229020318/index.html",
        "/module/jpage/dataproxy.jsp?startrecord=7&endrecord=21&perpage=6",
        "/art/2024/1/22/art_1229020318_58876121.html",  # 2023 report
        "/art/2023/1/18/art_1229020318_58560377.html",  # 2022 report (proxy only)
        "/art/2022/1/20/art_1229020318_58230045.html",  # 2021 report (proxy only; its own sums fail)
        "/art/2024/1/5/art_1229020318_58861002.html",  # 关于做好2023年度…的通知
    },
    "ningxia": {  # TRS, GBK declared gb2312; createPageHTML paging ending on a stub page
        "/",  # start URL: the home page, which links the 政府信息公开年报 column
        "/xxgk/zfxxgknb/index.html", "/xxgk/zfxxgknb/index_1.html", "/xxgk/zfxxgknb/index_2.html",
        "/xxgk/zfxxgknb/index_3.html",  # the stub: yields nothing, paging stops
        "/xxgk/zfxxgknb/202101/t20210126_2575380.html",  # the 2020 report
        "/xxgk/zfxxgknb/202001/t20200120_1950321.html",  # the 2019 report (图片版: images only)
        "/xxgk/zfxxgknb/202101/t20210111_2560021.html",  # 关于报送…的函 (malformed charset meta)
    },
}
# The detail pages among them (the rest are listings, which every crawl fetches again).
DETAIL_PAGES = {
    ("jiangbei", "/art/2021/1/18/art_1229138290_3676543.html"), ("jiangbei", "/art/2021/1/5/art_1229138290_3671208.html"),
    ("huancui", "/zwgk/ndbg/202101/t20210120_2531177.html"), ("huancui", "/zwgk/ndbg/202101/t20210108_2521050.html"),
    ("huancui", "/zwgk/ndbg/202006/t20200601_2301122.html"),
    ("yanliang", "/xxgk/gzbg/5fe1a2b3.html"), ("yanliang", "/xxgk/gzbg/5fd0c4e1.html"),
    ("quzhou", "/art/2024/1/22/art_1229020318_58876121.html"), ("quzhou", "/art/2023/1/18/art_1229020318_58560377.html"),
    ("quzhou", "/art/2024/1/5/art_1229020318_58861002.html"), ("quzhou", "/art/2022/1/20/art_1229020318_58230045.html"),
    ("ningxia", "/xxgk/zfxxgknb/202101/t20210126_2575380.html"), ("ningxia", "/xxgk/zfxxgknb/202001/t20200120_1950321.html"),
    ("ningxia", "/xxgk/zfxxgknb/202101/t20210111_2560021.html"),
}
EXPECTED_REPORTS = {
    ("jiangbei", "/art/2021/1/18/art_1229138290_3676543.html"): ("宁波市江北区应急管理局", 2020),
    ("huancui", "/zwgk/ndbg/202101/t20210120_2531177.html"): ("威海市环翠区应急管理局", 2020),
    ("yanliang", "/xxgk/gzbg/5fe1a2b3.html"): ("阎良区应急管理局", 2020),
    ("quzhou", "/art/2024/1/22/art_1229020318_58876121.html"): ("衢州市应急管理局", 2023),
    ("quzhou", "/art/2023/1/18/art_1229020318_58560377.html"): ("衢州市应急管理局", 2022),
    ("quzhou", "/art/2022/1/20/art_1229020318_58230045.html"): ("衢州市应急管理局", 2021),  # synthetic, checks fail
    ("ningxia", "/xxgk/zfxxgknb/202101/t20210126_2575380.html"): ("宁夏回族自治区应急管理厅", 2020),
    ("ningxia", "/xxgk/zfxxgknb/202001/t20200120_1950321.html"): ("宁夏回族自治区应急管理厅", 2019),
}
EXPECTED_ATTACHMENTS = {  # (site, file path, source page path)
    ("jiangbei", "/module/download/downfile.jsp/政府信息公开情况统计表.docx", "/art/2021/1/18/art_1229138290_3676543.html"),
    ("huancui", "/uploadfiles/2021/01/hcyj2020ndbg.pdf", "/zwgk/ndbg/202101/t20210120_2531177.html"),  # <embed>
    ("quzhou", "/module/download/downfile.jsp/2023ndbg.pdf", "/art/2024/1/22/art_1229020318_58876121.html"),  # <iframe>
    ("ningxia", "/xxgk/zfxxgknb/202101/P020210126_2575380.pdf", "/xxgk/zfxxgknb/202101/t20210126_2575380.html"),  # pdf.js
}
RENDERED = {("huancui", p) for p in ("/zwgk/ndbg/index.html", "/zwgk/ndbg/index.html?page=1",
                                     "/zwgk/ndbg/index.html?page=2", "/zwgk/ndbg/index.html?page=3")}

N_PAGES = sum(map(len, EXPECTED_PAGES.values()))
N_REPORTS = len(EXPECTED_REPORTS)
ALL_PAGES = {(site, path) for site, paths in EXPECTED_PAGES.items() for path in paths}
LISTING_PAGES = ALL_PAGES - DETAIL_PAGES
