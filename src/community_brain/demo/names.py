"""Plausible, synthetic Chinese names for the demo, drawn by era and gender."""

from __future__ import annotations

import random

# Common surnames, weighted roughly as in Shandong.
SURNAMES = (
    "王" * 20
    + "张" * 16
    + "李" * 16
    + "刘" * 12
    + "孙" * 8
    + "陈" * 6
    + "杨" * 6
    + "赵" * 6
    + "徐" * 5
    + "高" * 5
    + "马" * 4
    + "于" * 4
    + "崔" * 3
    + "董" * 3
    + "田" * 3
    + "韩" * 3
    + "周" * 3
    + "吴" * 3
    + "郭" * 3
    + "宋" * 3
    + "毕" * 2
    + "荆" * 1
    + "耿" * 2
    + "魏" * 2
    + "朱" * 2
    + "胡" * 2
    + "林" * 2
    + "何" * 2
    + "任" * 2
    + "曹" * 2
    + "邢" * 1
    + "路" * 1
)

GIVEN = {
    # born before 1960
    ("old", "M"): [
        "建国",
        "国庆",
        "志刚",
        "德胜",
        "振华",
        "保国",
        "玉林",
        "庆祥",
        "文斌",
        "树林",
        "洪亮",
        "明德",
        "学军",
        "长青",
        "永福",
        "秀峰",
        "宝山",
        "广田",
        "春生",
        "立本",
    ],
    ("old", "F"): [
        "秀英",
        "桂兰",
        "玉兰",
        "淑珍",
        "凤英",
        "桂英",
        "秀兰",
        "玉珍",
        "素芳",
        "兰英",
        "金凤",
        "翠花",
        "秀珍",
        "玉梅",
        "桂芝",
        "淑华",
        "凤兰",
        "月娥",
        "春梅",
        "爱华",
    ],
    # 1960–1989
    ("mid", "M"): [
        "伟",
        "强",
        "磊",
        "军",
        "勇",
        "涛",
        "斌",
        "刚",
        "海波",
        "建华",
        "志强",
        "晓东",
        "红军",
        "立新",
        "鹏",
        "超",
        "明",
        "辉",
        "海涛",
        "永刚",
        "卫东",
        "志勇",
    ],
    ("mid", "F"): [
        "丽",
        "敏",
        "静",
        "艳",
        "娟",
        "霞",
        "红梅",
        "海燕",
        "丽娜",
        "秀梅",
        "晓燕",
        "春燕",
        "慧",
        "玲",
        "芳",
        "雪梅",
        "海霞",
        "丽萍",
        "晓丽",
        "冬梅",
        "莉",
    ],
    # 1990 and after
    ("young", "M"): [
        "浩然",
        "子轩",
        "宇航",
        "俊杰",
        "博文",
        "一鸣",
        "梓豪",
        "天佑",
        "皓轩",
        "子墨",
        "昊天",
        "宇轩",
        "铭泽",
        "嘉懿",
        "睿",
        "晨",
        "航",
        "哲",
        "凯",
        "帆",
    ],
    ("young", "F"): [
        "子涵",
        "欣怡",
        "梓萱",
        "诗涵",
        "雨桐",
        "思琪",
        "佳怡",
        "可馨",
        "若曦",
        "一诺",
        "欣妍",
        "语桐",
        "梦琪",
        "婉清",
        "悦",
        "萱",
        "彤",
        "琳",
        "菲",
        "瑶",
    ],
}


def era(birth_year: int) -> str:
    if birth_year < 1960:
        return "old"
    if birth_year < 1990:
        return "mid"
    return "young"


def person_name(rng: random.Random, gender: str, birth_year: int, surname: str | None = None):
    surname = surname or rng.choice(SURNAMES)
    return surname + rng.choice(GIVEN[(era(birth_year), gender)])


SHOP_NAMES = [
    ("千乘便利店", "retail"),
    ("芦湖生活超市", "supermarket"),
    ("老王烧烤", "catering"),
    ("鲁味家常菜", "catering"),
    ("高青黑牛肉馆", "catering"),
    ("张记水饺", "catering"),
    ("小李包子铺", "catering"),
    ("淄博烧烤·炉火", "catering"),
    ("家家乐超市", "supermarket"),
    ("益康大药房", "pharmacy"),
    ("仁和诊所", "pharmacy"),
    ("美佳美发", "beauty"),
    ("丽人美容院", "beauty"),
    ("鑫源五金", "repair"),
    ("快修家电维修", "repair"),
    ("诚信手机维修", "repair"),
    ("新华书店芦湖店", "retail"),
    ("童趣玩具", "retail"),
    ("好邻居水果", "retail"),
    ("鲜丰蔬菜店", "retail"),
    ("金源粮油", "retail"),
    ("中国移动芦湖营业厅", "finance"),
    ("农商银行千乘分理处", "finance"),
    ("邮政储蓄代办点", "finance"),
    ("启航教育", "education"),
    ("小星星舞蹈", "education"),
    ("墨香书法", "education"),
    ("爱家家政", "services"),
    ("洁净洗衣", "services"),
    ("顺心快递驿站", "services"),
    ("温泉足疗", "beauty"),
    ("康乐推拿", "beauty"),
    ("蛋糕物语", "catering"),
    ("一品面馆", "catering"),
    ("麻辣烫", "catering"),
    ("老北京布鞋", "retail"),
    ("时尚女装", "retail"),
    ("阳光眼镜", "retail"),
    ("宠物之家", "services"),
    ("车之家洗车", "repair"),
    ("电动车维修", "repair"),
    ("芦湖烟酒", "retail"),
    ("东方茶叶", "retail"),
    ("花语花店", "retail"),
    ("文具店", "retail"),
    ("早餐铺", "catering"),
    ("煎饼果子", "catering"),
    ("羊汤馆", "catering"),
    ("海鲜大排档", "catering"),
    ("婴幼用品", "retail"),
    ("母婴店", "retail"),
    ("健身工作室", "services"),
    ("打印复印", "services"),
    ("开锁换锁", "services"),
    ("家具城", "retail"),
    ("灯具建材", "retail"),
    ("窗帘布艺", "retail"),
    ("口腔诊所", "pharmacy"),
    ("中医馆", "pharmacy"),
    ("彩票站", "other"),
    ("棋牌茶社", "other"),
    ("摄影工作室", "services"),
    ("租车行", "services"),
    ("老年用品店", "retail"),
    ("童装店", "retail"),
    ("酱菜铺", "retail"),
]
