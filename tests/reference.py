"""Published reference values, each with its source, for the tests.

These are typed from the documents themselves, independently of the layer
files, so a test that compares the two catches a transcription error on
either side.
"""

from __future__ import annotations

# Statement of the Government of the PRC on the Baselines of the Territorial
# Sea of Diaoyu Dao and Its Affiliated Islands, 10 September 2012, as published
# by the Ministry of Natural Resources:
# https://www.mnr.gov.cn/dt/hy/201209/t20120912_2330256.html
# (identical on https://www.fmprc.gov.cn/diaoyudao/chn/flfg/zcfg/201510/t20151009_8560590.htm)
PRC_BASELINES_2012_TEXT = """
一、钓鱼岛、黄尾屿、南小岛、北小岛、南屿、北屿、飞屿的领海基线为下列各相邻基点之间的直线连线:
1、 钓鱼岛1 北纬25°44.1′ 东经123°27.5′
2、 钓鱼岛2 北纬25°44.2′ 东经123°27.4′
3、 钓鱼岛3 北纬25°44.4′ 东经123°27.4′
4、 钓鱼岛4 北纬25°44.7′ 东经123°27.5′
5、 海豚岛 北纬25°55.8′ 东经123°40.7′
6、 下虎牙岛 北纬25°55.8′ 东经123°41.1′
7、 海星岛 北纬25°55.6′ 东经123°41.3′
8、 黄尾屿 北纬25°55.4′ 东经123°41.4′
9、 海龟岛 北纬25°55.3′ 东经123°41.4′
10、 长龙岛 北纬25°43.2′ 东经123°33.4′
11、 南小岛 北纬25°43.2′ 东经123°33.2′
12、 鲳鱼岛 北纬25°44.0′ 东经123°27.6′
1、 钓鱼岛1 北纬25°44.1′ 东经123°27.5′
二、赤尾屿的领海基线为下列各相邻基点之间的直线连线:
1、 赤尾屿 北纬25°55.3′ 东经124°33.7′
2、 望赤岛 北纬25°55.2′ 东经124°33.2′
3、 小赤尾岛 北纬25°55.3′ 东经124°33.3′
4、 赤背北岛 北纬25°55.5′ 东经124°33.5′
5、 赤背东岛 北纬25°55.5′ 东经124°33.7′
1、 赤尾屿 北纬25°55.3′ 东经124°33.7′
"""

# Statement of the Government of the PRC on Establishing the East China Sea
# ADIZ, 23 November 2013 (Xinhua, archived at
# https://megalodon.jp/ref/2013-1123-1956-39/news.xinhuanet.com/mil/2013-11/23/c_118262792.htm)
PRC_ADIZ_2013_TEXT = (
    "具体范围为以下六点连线与我领海线之间空域范围:北纬33度11分、东经121度47分,"
    "北纬33度11分、东经125度00分,北纬31度00分、东经128度20分,北纬25度38分、东经125度00分,"
    "北纬24度45分、东经123度00分,北纬26度44分、东经120度58分。"
)

# ROC Ministry of National Defense, press conference of 30 July 2019, as
# reported by Newtalk and CNA: 「北緯27度、東經122度,北緯23度、東經118度」.
TAIWAN_MEDIAN_LINE_2019 = [(122.0, 27.0), (118.0, 23.0)]

# The PLA's exercises around Taiwan since August 2022 named in issue 14, and one
# day of each, as reported at the time: August 2022 (Xinhua, 4-7 Aug), Joint
# Sword (8-10 Apr 2023, Taiwan News), Joint Sword-2024A (23-24 May 2024) and
# -2024B (14 Oct 2024), the live-fire area off Kaohsiung (26 Feb 2025, The
# Defense Post), Strait Thunder-2025A (1-2 Apr 2025, Devdiscourse from agencies)
# and Justice Mission-2025 (29-30 Dec 2025, Xinhua). Each is either drawn in
# pla-exercise-zones or listed in the catalog's "missing" with why.
PLA_EXERCISE_DAYS_SINCE_2022 = {
    "August 2022 exercises": "2022-08-05",
    "Joint Sword": "2023-04-09",
    "Joint Sword-2024A": "2024-05-23",
    "Joint Sword-2024B": "2024-10-14",
    "Live-fire area off south-west Taiwan": "2025-02-26",
    "Strait Thunder-2025A": "2025-04-02",
    "Justice Mission-2025": "2025-12-30",
}

# MOFA Japan, "Information about the Senkaku Islands"
# https://www.mofa.go.jp/a_o/c_m1/senkaku/page1we_000009.html — distances are
# given to the nearest 10 km ("approximately"), so +-5 km of rounding.
MOFA_URL = "https://www.mofa.go.jp/a_o/c_m1/senkaku/page1we_000009.html"
MOFA_FROM_ISHIGAKI_ISLAND_KM = {
    "Kuba-jima": 160,  # "160 km north of Ishigaki Island"
    "Taisho-jima": 150,  # "150 km north of Ishigaki Island"
}
# "Uotsuri Island ... 170 km northwest of Ishigaki Island"; the figure is
# measured from the town of Ishigaki (the island's nearest coast is ~153 km).
MOFA_ISHIGAKI_UOTSURI_KM = 170

# Ishigaki City Hall, 真栄里672: 北緯24度20分40秒 東経124度11分07秒
# (Japanese Wikipedia, 石垣市役所; a secondary source, used only as the
# town's location for the MOFA figure above).
ISHIGAKI_CITY_HALL = (124 + 11 / 60 + 7 / 3600, 24 + 20 / 60 + 40 / 3600)

# A point on Ishigaki Island, for picking the island out of the basemap.
ON_ISHIGAKI_ISLAND = (124.16, 24.40)

# The 2016 South China Sea arbitral award (PCA Case 2013-19, 12 July 2016), as
# summarised in the PCA press release and quoted at
# http://rajdeepbanerjee.com/the-curious-case-of-itu-aba-and-spratly-islands-epochal-ruling-by-an-international-court-permanent-court-of-arbitration-on-south-china-sea-dispute-under-unclos-philippines-v-china-part-4-of-4/
# "the following features ... were, accordingly, high-tide features:
# (a) Scarborough Shoal, (b) Cuarteron Reef, (c) Fiery Cross Reef, (d) Johnson
# Reef, (e) McKennan Reef, and (f) Gaven Reef (North). ... low tide elevations:
# (a) Hughes Reef, (b) Gaven Reef (South), (c) Subi Reef, (d) Mischief Reef,
# (e) Second Thomas Shoal." "All of the high-tide features in the Spratly
# Islands were therefore legally rocks"; the press release names Itu Aba, Thitu,
# West York Island, Spratly Island, North-East Cay and South-West Cay.
AWARD_2016_HIGH_TIDE_ROCKS = (
    "Scarborough Shoal",
    "Cuarteron Reef",
    "Fiery Cross Reef",
    "Johnson South Reef",  # the award's "Johnson Reef"
    "Gaven Reef (North)",
    "Itu Aba",
    "Thitu Island",
    "West York Island",
    "Spratly Island",
    "Northeast Cay",
    "Southwest Cay",
)
AWARD_2016_LOW_TIDE_ELEVATIONS = (
    "Hughes Reef",
    "Subi Reef",
    "Mischief Reef",
    "Second Thomas Shoal",
)

# Places for the seed map on land: town centres rounded to 0.01 degree
# (English Wikipedia's coordinates for each town), and a point well inside
# Natural Earth's Aksai Chin polygon. (lon, lat).
ITANAGAR = (93.62, 27.08)  # capital of Arunachal Pradesh (held by India)
TAWANG = (91.86, 27.59)  # Arunachal Pradesh, near the Bhutan border
LHASA = (91.17, 29.65)
IN_AKSAI_CHIN = (79.3, 35.2)

# Published distances from and between islands, to check the shore-to-shore
# figures of the `islands` layer (Natural Earth 1:10m shores, ~1 km).
# Wikipedia (en), 'Yonaguni' (https://en.wikipedia.org/wiki/Yonaguni): "A mere
# 107.4 km separate the island from Taiwan at their closest points";
# Wikipedia (zh), '与那国岛': 108 km to Wuyan Cape (烏岩角), Su'ao. The figure
# most often published, "about 111 km" (Okinawa's tourism site japanin.jp,
# https://japanin.jp/area/kyushu/okinawa/yonaguni/), is to Su'ao harbour
# (宜蘭蘇澳港, meisyo-navi.com), not to the nearest shore.
YONAGUNI_TAIWAN_KM = 107.4
YONAGUNI_SUAO_HARBOUR_KM = 111
# Wikipedia (en), 'Scarborough Shoal' (https://en.wikipedia.org/wiki/Scarborough_Shoal):
# "Luzon is 220 kilometres (119 nmi) away and the nearest landmass"; the shoal
# is "a triangle-shaped chain of reefs and rocks with a perimeter of 46 km", so
# its published centre point lies up to a third of that from its nearest rock.
SCARBOROUGH_LUZON_KM = 220
SCARBOROUGH_PERIMETER_KM = 46
# Wikipedia (en), 'Mischief Reef' (https://en.wikipedia.org/wiki/Mischief_Reef):
# "located 239 km (129 nmi) west of Palawan Island".
MISCHIEF_PALAWAN_KM = 239
