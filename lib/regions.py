"""The organisation tree's regions: the 31 provincial-level divisions of mainland China.

Each province lists a few real prefecture-level cities (districts for the four
municipalities), which stand for the local networks. Weights are rough economic sizes (GDP
in trillions of yuan for provinces, hundreds of billions for cities); the sample-data
generator uses them to spread accounts realistically. Provinces are in GB/T 2260 order.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    code: str  # "<province code>-<city code>", e.g. "GD-GZ"
    name_en: str
    name_zh: str
    weight: float


@dataclass(frozen=True)
class Province:
    code: str  # GB/T 2260 two-letter code, e.g. "GD"
    name_en: str
    name_zh: str
    weight: float
    cities: tuple[City, ...]


def _province(code: str, name_en: str, name_zh: str, weight: float, *cities: tuple[str, str, str, float]) -> Province:
    return Province(code, name_en, name_zh, weight, tuple(City(f"{code}-{c}", en, zh, w) for c, en, zh, w in cities))


# fmt: off
PROVINCES: tuple[Province, ...] = (
    _province("BJ", "Beijing", "北京市", 4.38,
        ("DC", "Dongcheng", "东城区", 3.5), ("XC", "Xicheng", "西城区", 5.9),
        ("CY", "Chaoyang", "朝阳区", 8.0), ("HD", "Haidian", "海淀区", 10.9),
        ("FT", "Fengtai", "丰台区", 2.1), ("TZ", "Tongzhou", "通州区", 1.3)),
    _province("TJ", "Tianjin", "天津市", 1.67,
        ("HP", "Heping", "和平区", 1.0), ("HX", "Hexi", "河西区", 1.3), ("NK", "Nankai", "南开区", 1.2),
        ("BH", "Binhai New Area", "滨海新区", 7.7)),
    _province("HE", "Hebei", "河北省", 4.39,
        ("SJZ", "Shijiazhuang", "石家庄市", 7.5), ("TS", "Tangshan", "唐山市", 9.1),
        ("BD", "Baoding", "保定市", 4.0), ("HD", "Handan", "邯郸市", 4.4),
        ("LF", "Langfang", "廊坊市", 3.6)),
    _province("SX", "Shanxi", "山西省", 2.57,
        ("TY", "Taiyuan", "太原市", 5.6), ("DT", "Datong", "大同市", 1.8),
        ("CZ", "Changzhi", "长治市", 2.8), ("JZ", "Jinzhong", "晋中市", 2.0)),
    _province("NM", "Inner Mongolia", "内蒙古自治区", 2.46,
        ("HHHT", "Hohhot", "呼和浩特市", 3.8), ("BT", "Baotou", "包头市", 4.0),
        ("ORDS", "Ordos", "鄂尔多斯市", 5.8), ("CF", "Chifeng", "赤峰市", 2.1)),
    _province("LN", "Liaoning", "辽宁省", 3.02,
        ("SY", "Shenyang", "沈阳市", 8.1), ("DL", "Dalian", "大连市", 8.8),
        ("AS", "Anshan", "鞍山市", 2.0), ("JZ", "Jinzhou", "锦州市", 1.2)),
    _province("JL", "Jilin", "吉林省", 1.36,
        ("CC", "Changchun", "长春市", 7.0), ("JL", "Jilin City", "吉林市", 1.6),
        ("SP", "Siping", "四平市", 0.6)),
    _province("HL", "Heilongjiang", "黑龙江省", 1.59,
        ("HEB", "Harbin", "哈尔滨市", 5.6), ("DQ", "Daqing", "大庆市", 2.9),
        ("QQHE", "Qiqihar", "齐齐哈尔市", 1.3), ("MDJ", "Mudanjiang", "牡丹江市", 0.9)),
    _province("SH", "Shanghai", "上海市", 4.72,
        ("HP", "Huangpu", "黄浦区", 3.0), ("XH", "Xuhui", "徐汇区", 2.7),
        ("JA", "Jing'an", "静安区", 2.7), ("PD", "Pudong New Area", "浦东新区", 16.7),
        ("MH", "Minhang", "闵行区", 3.0), ("JD", "Jiading", "嘉定区", 2.7)),
    _province("JS", "Jiangsu", "江苏省", 12.82,
        ("NJ", "Nanjing", "南京市", 17.4), ("SZ", "Suzhou", "苏州市", 24.7),
        ("WX", "Wuxi", "无锡市", 15.5), ("CZ", "Changzhou", "常州市", 10.1),
        ("NT", "Nantong", "南通市", 11.8), ("XZ", "Xuzhou", "徐州市", 9.0)),
    _province("ZJ", "Zhejiang", "浙江省", 8.26,
        ("HZ", "Hangzhou", "杭州市", 20.1), ("NB", "Ningbo", "宁波市", 16.5),
        ("WZ", "Wenzhou", "温州市", 8.7), ("SX", "Shaoxing", "绍兴市", 7.8),
        ("JX", "Jiaxing", "嘉兴市", 7.1), ("JH", "Jinhua", "金华市", 6.0)),
    _province("AH", "Anhui", "安徽省", 4.71,
        ("HF", "Hefei", "合肥市", 12.7), ("WH", "Wuhu", "芜湖市", 4.7), ("BB", "Bengbu", "蚌埠市", 2.2),
        ("AQ", "Anqing", "安庆市", 2.9), ("FY", "Fuyang", "阜阳市", 3.4)),
    _province("FJ", "Fujian", "福建省", 5.44,
        ("FZ", "Fuzhou", "福州市", 12.9), ("XM", "Xiamen", "厦门市", 8.1),
        ("QZ", "Quanzhou", "泉州市", 12.2), ("ZZ", "Zhangzhou", "漳州市", 5.7)),
    _province("JX", "Jiangxi", "江西省", 3.22,
        ("NC", "Nanchang", "南昌市", 7.3), ("GZ", "Ganzhou", "赣州市", 4.6),
        ("JJ", "Jiujiang", "九江市", 3.9), ("SR", "Shangrao", "上饶市", 3.4)),
    _province("SD", "Shandong", "山东省", 9.21,
        ("JN", "Jinan", "济南市", 12.8), ("QD", "Qingdao", "青岛市", 15.8),
        ("YT", "Yantai", "烟台市", 10.2), ("WF", "Weifang", "潍坊市", 7.6),
        ("ZB", "Zibo", "淄博市", 4.6), ("LY", "Linyi", "临沂市", 6.1)),
    _province("HA", "Henan", "河南省", 5.91,
        ("ZZ", "Zhengzhou", "郑州市", 13.6), ("LY", "Luoyang", "洛阳市", 5.5),
        ("NY", "Nanyang", "南阳市", 4.6), ("XX", "Xinxiang", "新乡市", 3.3),
        ("KF", "Kaifeng", "开封市", 2.5)),
    _province("HB", "Hubei", "湖北省", 5.58,
        ("WH", "Wuhan", "武汉市", 20.0), ("YC", "Yichang", "宜昌市", 5.8),
        ("XY", "Xiangyang", "襄阳市", 5.8), ("JZ", "Jingzhou", "荆州市", 3.0)),
    _province("HN", "Hunan", "湖南省", 5.0,
        ("CS", "Changsha", "长沙市", 14.3), ("ZZ", "Zhuzhou", "株洲市", 3.8),
        ("XT", "Xiangtan", "湘潭市", 2.8), ("HY", "Hengyang", "衡阳市", 4.1),
        ("YY", "Yueyang", "岳阳市", 4.9)),
    _province("GD", "Guangdong", "广东省", 13.57,
        ("GZ", "Guangzhou", "广州市", 30.4), ("SZ", "Shenzhen", "深圳市", 34.6),
        ("DG", "Dongguan", "东莞市", 11.4), ("FS", "Foshan", "佛山市", 13.3),
        ("ZH", "Zhuhai", "珠海市", 4.2), ("HZ", "Huizhou", "惠州市", 5.6)),
    _province("GX", "Guangxi", "广西壮族自治区", 2.72,
        ("NN", "Nanning", "南宁市", 5.5), ("LZ", "Liuzhou", "柳州市", 3.1),
        ("GL", "Guilin", "桂林市", 2.4), ("BH", "Beihai", "北海市", 1.6)),
    _province("HI", "Hainan", "海南省", 0.76,
        ("HK", "Haikou", "海口市", 2.4), ("SY", "Sanya", "三亚市", 1.0),
        ("DZ", "Danzhou", "儋州市", 0.9)),
    _province("CQ", "Chongqing", "重庆市", 3.01,
        ("YZ", "Yuzhong", "渝中区", 1.6), ("JB", "Jiangbei", "江北区", 1.5),
        ("YB", "Yubei", "渝北区", 2.4), ("SPB", "Shapingba", "沙坪坝区", 1.2),
        ("JLP", "Jiulongpo", "九龙坡区", 1.8)),
    _province("SC", "Sichuan", "四川省", 6.01,
        ("CD", "Chengdu", "成都市", 22.1), ("MY", "Mianyang", "绵阳市", 3.8),
        ("DY", "Deyang", "德阳市", 3.0), ("YB", "Yibin", "宜宾市", 3.8),
        ("NC", "Nanchong", "南充市", 2.7), ("LZ", "Luzhou", "泸州市", 2.6)),
    _province("GZ", "Guizhou", "贵州省", 2.09,
        ("GY", "Guiyang", "贵阳市", 5.2), ("ZY", "Zunyi", "遵义市", 4.6),
        ("LPS", "Liupanshui", "六盘水市", 1.6), ("AS", "Anshun", "安顺市", 1.1)),
    _province("YN", "Yunnan", "云南省", 3.0,
        ("KM", "Kunming", "昆明市", 8.0), ("QJ", "Qujing", "曲靖市", 3.9),
        ("YX", "Yuxi", "玉溪市", 2.5), ("LJ", "Lijiang", "丽江市", 0.6)),
    _province("XZ", "Xizang", "西藏自治区", 0.24,
        ("LS", "Lhasa", "拉萨市", 0.8), ("RKZ", "Shigatse", "日喀则市", 0.4),
        ("LZ", "Nyingchi", "林芝市", 0.2)),
    _province("SN", "Shaanxi", "陕西省", 3.38,
        ("XA", "Xi'an", "西安市", 12.0), ("BJ", "Baoji", "宝鸡市", 2.6),
        ("XY", "Xianyang", "咸阳市", 2.9), ("YL", "Yulin", "榆林市", 7.1),
        ("WN", "Weinan", "渭南市", 2.1)),
    _province("GS", "Gansu", "甘肃省", 1.19,
        ("LZ", "Lanzhou", "兰州市", 3.5), ("TS", "Tianshui", "天水市", 0.8),
        ("JQ", "Jiuquan", "酒泉市", 0.9), ("BY", "Baiyin", "白银市", 0.6)),
    _province("QH", "Qinghai", "青海省", 0.38,
        ("XN", "Xining", "西宁市", 1.8), ("HD", "Haidong", "海东市", 0.6)),
    _province("NX", "Ningxia", "宁夏回族自治区", 0.53,
        ("YC", "Yinchuan", "银川市", 2.7), ("SZS", "Shizuishan", "石嘴山市", 0.6),
        ("WZ", "Wuzhong", "吴忠市", 0.9)),
    _province("XJ", "Xinjiang", "新疆维吾尔自治区", 1.91,
        ("WLMQ", "Urumqi", "乌鲁木齐市", 4.2), ("KLMY", "Karamay", "克拉玛依市", 1.3),
        ("TLF", "Turpan", "吐鲁番市", 0.6), ("HM", "Hami", "哈密市", 0.9)),
)
# fmt: on
