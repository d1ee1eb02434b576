"""The raw material of the demo county's power-and-responsibility lists (桓台县权责清单),
read by ``demo.duties``: the wording of generated items, responsibilities and accountability
cases here, and — in ``data/duty_laws.txt`` and ``data/duty_departments.txt``, one line per
law, department, matter or hand-written item — the laws, the departments and the matters
each regulates.

The wording follows Shandong's published lists; the laws and their lengths are real; the
article a generated item cites is chosen at random within the part of the law that fits
(penalties from its legal-liability chapter at the end)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).parent / "data"


CF = [
    "对未取得许可擅自从事{m}活动的行政处罚",
    "对{m}中伪造、变造、出租、出借许可证件的行政处罚",
    "对以欺骗、贿赂等不正当手段取得{m}相关许可的行政处罚",
    "对{m}中超出核定范围从事经营活动的行政处罚",
    "对{m}中拒绝、阻碍监督检查的行政处罚",
    "对{m}中未按规定建立安全管理制度的行政处罚",
    "对{m}中未按规定建立并保存台账记录的行政处罚",
    "对{m}中未按规定报送有关数据和资料的行政处罚",
    "对{m}中未按规定公示许可证件和有关信息的行政处罚",
    "对{m}中未按规定配备专业技术人员的行政处罚",
    "对{m}中未按规定组织从业人员培训考核的行政处罚",
    "对{m}中未按规定办理变更手续的行政处罚",
    "对{m}中未落实主体责任造成严重后果的行政处罚",
    "对{m}中隐瞒、谎报或者拖延报告事故的行政处罚",
    "对{m}中拒不执行责令改正决定的行政处罚",
    "对{m}中使用不符合国家标准的设施设备的行政处罚",
    "对{m}中未按规定进行定期检验检测的行政处罚",
    "对{m}中提供虚假材料、隐瞒有关情况的行政处罚",
    "对{m}中未按规定保存原始凭证的行政处罚",
    "对{m}中发布虚假信息误导公众的行政处罚",
    "对{m}中未按规定制定应急预案的行政处罚",
    "对{m}中涂改、倒卖许可证件的行政处罚",
    "对{m}中未按规定设置警示标志的行政处罚",
    "对{m}中未按规定履行告知义务的行政处罚",
    "对{m}中擅自停业、歇业未按规定报告的行政处罚",
]
GENERATED = {
    "CF": CF,
    "JC": [
        "对{m}的行政检查",
        "对{m}单位落实主体责任情况的监督检查",
        "对{m}许可事项事中事后的监督检查",
        "对{m}领域投诉举报线索的核查",
        "对{m}安全隐患排查治理情况的检查",
        "对{m}相关制度执行情况的专项检查",
    ],
    "QZ": [
        "对{m}中涉嫌违法的物品、设施设备的查封、扣押",
        "对{m}中拒不履行行政决定的代履行",
        "对{m}中到期不缴纳罚款的加处罚款",
    ],
    "QT": [
        "{m}有关事项备案",
        "对{m}违法行为举报的受理和处理",
        "{m}信用信息归集与公示",
    ],
    "GG": ["{m}政策咨询服务", "{m}相关信息查询服务", "{m}办事指南查询服务"],
    "JL": [
        "对{m}工作中成绩突出的单位和个人的表彰奖励",
        "对举报{m}重大违法行为有功人员的奖励",
    ],
}
SUB_ITEMS = ("（新办）", "（变更）", "（延续）", "（注销）")

# Where in a law a generated item's article falls: (start, end) as fractions of its length.
ARTICLE_SPAN = {"CF": (0.62, 1.0), "QZ": (0.45, 0.9), "XK": (0.15, 0.5)}
DEFAULT_SPAN = (0.1, 0.75)

# Responsibilities per type: type|stage|what the department answers for|procedural basis.
STAGES_TEXT = """
CF|立案|对发现或者举报的涉嫌违法行为进行初步核查，符合立案条件的，依法予以立案。|《中华人民共和国行政处罚法》第五十四条
CF|调查取证|两名以上执法人员出示执法证件，全面、客观、公正地调查，收集、调取证据，制作询问笔录和现场笔录。|《中华人民共和国行政处罚法》第五十五条、第五十六条
CF|审理|对案件违法事实、证据、调查取证程序、法律适用、处罚种类和幅度等进行审查，重大案件进行法制审核和集体讨论。|《中华人民共和国行政处罚法》第五十七条、第五十八条
CF|告知|作出行政处罚决定前，告知当事人拟作出的处罚内容及事实、理由、依据，以及陈述、申辩、要求听证的权利。|《中华人民共和国行政处罚法》第四十四条、第六十三条
CF|决定|根据审理情况作出处罚或者不予处罚的决定，制作行政处罚决定书，载明违法事实、依据、救济途径。|《中华人民共和国行政处罚法》第五十九条
CF|送达|行政处罚决定书在宣告后当场交付当事人，当事人不在场的，在七日内依照民事诉讼法的有关规定送达。|《中华人民共和国行政处罚法》第六十一条
CF|执行|督促当事人履行处罚决定，当事人逾期不履行的，依法加处罚款或者申请人民法院强制执行。|《中华人民共和国行政处罚法》第七十二条
CF|其他|法律法规规章规定应履行的其他责任。|《中华人民共和国行政处罚法》第七十五条
XK|受理|公示依法应当提交的材料；一次性告知补正材料；依法受理或者不予受理，不予受理的书面说明理由。|《中华人民共和国行政许可法》第三十条、第三十二条
XK|审查|对申请材料进行审查，需要实地核查的，指派两名以上工作人员进行核查；听取利害关系人意见。|《中华人民共和国行政许可法》第三十四条、第三十六条
XK|决定|在法定期限内作出准予或者不予许可的书面决定，不予许可的说明理由并告知救济途径。|《中华人民共和国行政许可法》第三十七条、第三十八条
XK|送达|准予许可的，在规定期限内颁发、送达许可证件，并依法公开许可决定。|《中华人民共和国行政许可法》第四十条、第四十四条
XK|事后监管|对被许可人从事许可事项的活动进行监督检查，发现违法行为依法处理。|《中华人民共和国行政许可法》第六十一条
XK|其他|法律法规规章规定应履行的其他责任。|《中华人民共和国行政许可法》第七十七条
QZ|审批|实施前向行政机关负责人报告并经批准；情况紧急当场实施的，二十四小时内补办批准手续。|《中华人民共和国行政强制法》第十八条、第十九条
QZ|告知|通知当事人到场，当场告知采取行政强制措施的理由、依据以及当事人依法享有的权利、救济途径。|《中华人民共和国行政强制法》第十八条
QZ|实施|由两名以上执法人员实施，出示执法身份证件，制作现场笔录和查封、扣押清单。|《中华人民共和国行政强制法》第十八条、第二十四条
QZ|决定|在法定期限内作出处理决定，对物品需要进行检测、检验的，书面告知当事人检测期间。|《中华人民共和国行政强制法》第二十五条
QZ|解除|违法事实不成立或者已作出处理决定不再需要查封、扣押的，及时解除并退还财物。|《中华人民共和国行政强制法》第二十八条
QZ|其他|法律法规规章规定应履行的其他责任。|《中华人民共和国行政强制法》第六十一条
JC|检查准备|制定年度检查计划，按照“双随机、一公开”要求确定检查对象和执法人员。|《中华人民共和国行政处罚法》第五十四条
JC|实施检查|两名以上执法人员出示执法证件，依法实施检查，如实记录检查情况，不得妨碍正常生产经营。|《中华人民共和国行政处罚法》第五十五条
JC|处置|对检查中发现的问题责令改正，依法应当给予行政处罚的移交立案，涉嫌犯罪的移送司法机关。|《中华人民共和国行政处罚法》第二十七条
JC|信息公开|检查结果依法向社会公开，记入市场主体信用记录。|《企业信息公示暂行条例》第七条
JC|其他|法律法规规章规定应履行的其他责任。|
JF|受理|公示给付条件、标准和申请材料，受理申请，一次性告知需要补正的材料。|《社会救助暂行办法》第十一条
JF|审核|对申请人的家庭状况、收入财产等进行调查核实，必要时入户调查。|《社会救助暂行办法》第十一条
JF|公示|对拟给付对象和标准进行公示，接受社会监督。|《社会救助暂行办法》第十一条
JF|决定|作出给付或者不予给付的决定，不予给付的书面说明理由。|《社会救助暂行办法》第十一条
JF|发放|按照标准按时足额发放，实行社会化发放。|《社会救助暂行办法》第十二条
JF|动态管理|定期复核给付对象情况，及时增发、减发或者停发。|《社会救助暂行办法》第十三条
GG|受理|公开服务内容、办理条件和流程，受理群众和企业的服务申请。|《国务院关于加快推进全国一体化在线政务服务平台建设的指导意见》
GG|办理|按照服务标准和承诺时限办理，需要补充材料的一次性告知。|
GG|答复|及时答复办理结果，提供必要的解释说明。|
GG|评价|接受服务对象评价，对差评及时整改回访。|《政务服务评价工作指南》
QR|受理|公示确认条件和申请材料，依法受理或者不予受理。|《中华人民共和国行政许可法》第三十二条
QR|审查|对申请材料进行审查，必要时进行实地核查。|
QR|决定|在规定期限内作出确认或者不予确认的决定，不予确认的说明理由。|
QR|送达|及时送达确认文书或者证件，并依法公开。|
QR|其他|法律法规规章规定应履行的其他责任。|
ZS|核定|依法核定征收对象、征收标准和应缴数额，并告知缴纳义务人。|
ZS|征收|开具法定票据，及时足额征收并缴入国库。|《中华人民共和国预算法》第五十六条
ZS|减免审核|对符合减免条件的申请依法审核并作出决定。|
ZS|监督|对欠缴行为依法追缴，定期公开征收情况。|
JL|制定方案|制定奖励方案，公开奖励条件、标准和程序。|
JL|组织推荐|组织推荐、申报，对推荐对象进行资格审查。|
JL|评审|组织评审，对拟奖励对象进行公示。|
JL|决定|作出奖励决定并颁发奖励。|
CJ|受理|对当事人的裁决申请进行审查，依法受理或者不予受理。|
CJ|审理|通知当事人，调查事实，组织调解；调解不成的，依法审理。|
CJ|裁决|在规定期限内作出裁决，制作裁决书并载明救济途径。|
CJ|送达|依法送达裁决书。|
CJ|执行|督促当事人履行裁决。|
QT|受理|公示办理条件和申请材料，依法受理。|
QT|审查|对申请材料进行审查。|
QT|办结|在规定期限内办结并告知结果。|
QT|监管|对备案、登记等事项依法开展事后监督。|
QT|其他|法律法规规章规定应履行的其他责任。|
"""

# Accountability cases (追责情形): type (* for any)|situation|basis.
ACCOUNTABILITY_TEXT = """
*|在履行职责中滥用职权、玩忽职守、徇私舞弊的|《中华人民共和国公务员法》第五十九条；《行政机关公务员处分条例》第二十条
CF|没有法定的行政处罚依据，或者擅自改变行政处罚种类、幅度的|《中华人民共和国行政处罚法》第七十六条
CF|违反法定的行政处罚程序，或者违反委托处罚规定的|《中华人民共和国行政处罚法》第七十六条
CF|对当事人进行处罚不使用罚款、没收财物单据或者使用非法定部门制发的单据的|《中华人民共和国行政处罚法》第七十七条
CF|截留、私分或者变相私分罚款、没收的违法所得或者财物的|《中华人民共和国行政处罚法》第七十九条
CF|依法应当移交司法机关追究刑事责任而不移交，以行政处罚代替刑事处罚的|《中华人民共和国行政处罚法》第八十二条
CF|对应当予以制止和处罚的违法行为不予制止、处罚，致使公民、法人或者其他组织的合法权益遭受损害的|《中华人民共和国行政处罚法》第八十三条
XK|对符合法定条件的行政许可申请不予受理的|《中华人民共和国行政许可法》第七十二条
XK|不在办公场所公示依法应当公示的材料，或者未一次告知申请人必须补正的全部内容的|《中华人民共和国行政许可法》第七十二条
XK|对不符合法定条件的申请人准予行政许可或者超越法定职权作出准予行政许可决定的|《中华人民共和国行政许可法》第七十四条
XK|对符合法定条件的申请人不予行政许可或者不在法定期限内作出准予行政许可决定的|《中华人民共和国行政许可法》第七十四条
XK|违法收取费用或者索取、收受他人财物的|《中华人民共和国行政许可法》第七十三条、第七十五条
XK|不依法履行监督职责或者监督不力，造成严重后果的|《中华人民共和国行政许可法》第七十七条
QZ|没有法律、法规依据，或者改变行政强制对象、条件、方式的|《中华人民共和国行政强制法》第六十一条
QZ|扩大查封、扣押、冻结范围，或者使用、损毁查封、扣押场所、设施或者财物的|《中华人民共和国行政强制法》第六十二条
QZ|将查封、扣押的财物截留、私分或者变相私分的|《中华人民共和国行政强制法》第六十三条
JF|对符合条件的申请不予受理或者不予给付的|《社会救助暂行办法》第六十六条
JF|对不符合条件的申请人准予给付，或者违反规定截留、挤占、挪用、私分资金物资的|《社会救助暂行办法》第六十六条
JC|未按规定开展监督检查，或者检查中发现违法行为不依法处理的|《中华人民共和国行政处罚法》第八十三条
JC|违法实施检查措施，给公民人身或者财产造成损害的|《中华人民共和国行政处罚法》第八十条
"""

STATUTORY_DAYS = {"XK": 20, "QR": 20, "JF": 20, "CJ": 60, "QT": 15, "GG": 10}


@dataclass
class Matter:
    phrase: str
    law: str
    licence: str = ""


@dataclass
class Department:
    number: int
    slug: str
    name: str
    short: str
    size: int
    mix: dict[str, int]
    units: list[str]
    matters: list[Matter] = field(default_factory=list)
    extras: list[tuple[str, str, str, int]] = field(default_factory=list)  # type, name, law, art


def _data(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def laws() -> dict[str, tuple[str, int]]:
    out = {}
    for line in _data("duty_laws.txt"):
        key, title, articles = line.split("=")
        out[key] = (title, int(articles))
    return out


def stages() -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = {}
    for line in STAGES_TEXT.strip().splitlines():
        kind, stage, content, basis = line.split("|")
        out.setdefault(kind, []).append((stage, content, basis))
    return out


def accountability() -> dict[str, list[tuple[str, str]]]:
    """Cases per type; the ``*`` cases go with every type."""
    out: dict[str, list[tuple[str, str]]] = {}
    for line in ACCOUNTABILITY_TEXT.strip().splitlines():
        kind, situation, basis = line.split("|")
        out.setdefault(kind, []).append((situation, basis))
    return out


def departments() -> list[Department]:
    out: list[Department] = []
    for line in _data("duty_departments.txt"):
        head, rest = line[0], line[1:]
        if head == "@":
            number, slug, name, short, size, mix, units = rest.split("|")
            out.append(
                Department(
                    number=int(number),
                    slug=slug,
                    name=name,
                    short=short,
                    size=int(size),
                    mix={part[:2]: int(part[2:]) for part in mix.split(",")},
                    units=units.split("、"),
                )
            )
        elif head == "+":
            out[-1].matters.append(Matter(*rest.split("/")))
        elif head == "!":
            kind, text = rest.split("|", 1)
            name, law, article = text.split("/")
            out[-1].extras.append((kind, name, law, int(article)))
    return out
