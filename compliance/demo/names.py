"""Names, phone numbers and the phrases a real office writes, for deterministic demo data."""

import random

# Common surnames with rough frequency weights (the top ones are far more frequent).
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 72), ("李", 71), ("张", 68), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 25),
    ("赵", 20), ("吴", 20), ("周", 19), ("徐", 15), ("孙", 15), ("马", 13), ("朱", 13),
    ("胡", 12), ("郭", 12), ("何", 11), ("林", 11), ("高", 10), ("罗", 10), ("郑", 9),
    ("梁", 9), ("谢", 8), ("宋", 7), ("唐", 7), ("许", 6), ("韩", 6), ("冯", 6), ("邓", 6),
    ("曹", 6), ("彭", 5), ("曾", 5), ("肖", 5), ("田", 5), ("董", 5), ("袁", 4), ("潘", 4),
    ("蒋", 4), ("蔡", 4), ("余", 4), ("杜", 4), ("叶", 4), ("程", 4), ("苏", 4), ("魏", 4),
    ("吕", 4), ("丁", 3), ("任", 3), ("沈", 3), ("姚", 3), ("卢", 3), ("钟", 3), ("谭", 3),
    ("陆", 3), ("汪", 3), ("范", 3), ("廖", 3), ("石", 3), ("邱", 2), ("欧阳", 1),
)  # fmt: skip

MALE_CHARS = "伟强磊军勇杰涛斌明超刚平辉健俊峰鹏华建志国文海波宇浩然东林飞龙春荣德"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀玲桂英红梅琳莉婷雪慧颖燕萍洁兰凤琴云倩佳欣悦"

MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "176", "177", "180", "181", "182", "183",
    "185", "186", "187", "188", "189", "199",
)  # fmt: skip

_SURNAME_LIST = [s for s, _ in SURNAMES]
_SURNAME_WEIGHTS = [w for _, w in SURNAMES]


def surname(rng: random.Random) -> str:
    """A surname drawn by frequency."""
    return rng.choices(_SURNAME_LIST, _SURNAME_WEIGHTS)[0]


def given_name(rng: random.Random, *, female: bool | None = None) -> str:
    """A one- or two-character given name."""
    if female is None:
        female = rng.random() < 0.5
    pool = FEMALE_CHARS if female else MALE_CHARS
    return rng.choice(pool) if rng.random() < 0.3 else rng.choice(pool) + rng.choice(pool)


def person_name(rng: random.Random, *, female: bool | None = None) -> str:
    """A full Chinese name: surname plus given name."""
    return surname(rng) + given_name(rng, female=female)


def mobile(rng: random.Random) -> str:
    """An 11-digit mainland mobile number."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def address_form(name: str, team: str) -> str:
    """How a resident refers to a staff member: 李师傅, 王阿姨, 小张."""
    family = name[:2] if name.startswith("欧阳") else name[0]
    if team == "保洁":
        return f"{family}阿姨"
    if team in ("客服", "安保"):
        return f"小{family}"
    return f"{family}师傅"


# Team → (share of staff, positions, relative share of home jobs).
TEAMS: dict[str, tuple[float, tuple[str, ...], float]] = {
    "维修": (0.25, ("维修工", "水电工", "维修工", "空调维修工"), 2.2),
    "保洁": (0.30, ("保洁员", "保洁员", "保洁领班"), 1.3),
    "安保": (0.25, ("保安员", "保安员", "安保班长"), 0.25),
    "客服": (0.10, ("客服专员", "前台接待"), 0.4),
    "绿化": (0.10, ("绿化工",), 0.15),
}

# Team → monthly wage range in whole yuan (the generator converts to fen).
WAGE_YUAN: dict[str, tuple[int, int]] = {
    "维修": (4000, 6500),
    "保洁": (2600, 3500),
    "安保": (3200, 4500),
    "客服": (3500, 5000),
    "绿化": (2800, 3800),
}

# Team → (visit kind, description, outcome when done).
JOBS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "维修": (
        ("repair", "厨房水龙头漏水维修", "更换水龙头阀芯,已不再漏水"),
        ("repair", "卫生间马桶堵塞疏通", "已疏通,冲水正常"),
        ("repair", "客厅吸顶灯不亮", "更换灯管,照明恢复"),
        ("repair", "空调不制冷检查", "清洗滤网并补充冷媒,制冷正常"),
        ("repair", "入户门锁芯卡死维修", "更换锁芯,交付新钥匙三把"),
        ("repair", "热水器不出热水检修", "更换点火器,出水正常"),
        ("repair", "卫生间天花渗水查看", "楼上防水层破损,已通知楼上住户并出具整改单"),
        ("repair", "插座跳闸检修", "厨房插座进水短路,已更换插座"),
        ("installation", "安装晾衣架", "晾衣架安装完毕,住户验收"),
        ("repair", "阳台地漏返水处理", "清理地漏并加装防臭芯"),
        ("repair", "窗户合页松动维修", "更换合页,窗户开关顺畅"),
        ("installation", "更换厨房水槽下水管", "下水管更换完成,试水无渗漏"),
    ),
    "保洁": (
        ("housekeeping", "入户深度保洁", "全屋清洁完毕,住户验收满意"),
        ("cleaning", "抽油烟机清洗", "油烟机拆洗完成"),
        ("cleaning", "全屋玻璃清洁", "门窗玻璃清洁完毕"),
        ("housekeeping", "装修后开荒保洁", "开荒保洁完成,垃圾已清运"),
        ("cleaning", "地毯清洗", "地毯清洗完毕,已晾干"),
        ("housekeeping", "厨房卫生间重点保洁", "厨卫除垢完毕"),
    ),
    "安保": (
        ("other", "协助住户开门(钥匙遗失)", "核实身份后协助开锁"),
        ("other", "烟感报警入户核查", "误报,已复位烟感"),
        ("other", "漏水报警入户查看", "关闭总阀并通知维修"),
    ),
    "客服": (
        ("complaint", "入户处理噪音投诉", "已与住户沟通并记录"),
        ("other", "入户回访维修质量", "住户对维修结果表示满意"),
        ("other", "协助住户办理装修手续", "资料已收齐"),
    ),
    "绿化": (
        ("other", "入户花园绿植修剪", "修剪完毕并清理枝叶"),
        ("other", "阳台花池除虫", "已喷洒药剂"),
    ),
}

# Feedback category → texts; {who} is the staff member as residents call them, {amount}
# an amount in yuan. Texts that only fit one trade are in TRADE_TEXTS.
FEEDBACK_TEXTS: dict[str, tuple[str, ...]] = {
    "praise": (
        "{who}上门很准时,活干得干净利落,特此表扬。",
        "{who}工作认真负责,做完还把现场收拾干净了,非常感谢。",
        "{who}服务态度特别好,耐心解答我们的问题,给管理处点赞。",
        "家里老人行动不便,{who}主动帮忙搬东西,很暖心。",
    ),
    "attitude": (
        "{who}上门时态度生硬,问问题爱答不理。",
        "{who}说话很冲,对家里老人很不耐烦。",
        "打电话约时间,{who}口气很差,还说“没空就别弄了”。",
        "{who}进门就抱怨活多,全程板着脸,让人很不舒服。",
    ),
    "incompetent": (
        "{who}处理问题不得要领,同一件事来了两次都没办好。",
        "{who}对业务很不熟悉,问什么都说不知道,要求换人。",
    ),
    "tip_reported": (
        "住户表示服务结束后给了{who}{amount}元辛苦费,{who}收下了。",
        "回访时住户提到曾给{who}红包{amount}元,询问是否合规。",
        "住户来电说过节给了{who}{amount}元购物卡,想确认管理处是否知情。",
    ),
    "solicitation": (
        "{who}做完后说要另外收“材料费”,向住户要了{amount}元,没有开收据。",
        "{who}暗示逢年过节要“意思一下”,住户给了{amount}元。",
        "{who}向住户索要家里的两瓶酒,住户碍于情面给了。",
    ),
    "theft": (
        "{who}上门服务后,住户发现放在桌上的手表不见了,价值约{amount}元。",
        "住户反映{who}离开后抽屉里的现金少了{amount}元。",
    ),
    "privacy": (
        "听邻居说{who}在议论我家的家事,非常不满。",
        "{who}把我家装修花了多少钱告诉了其他住户。",
        "{who}在值班室和别人讨论我家夫妻吵架的事,被我听到了。",
    ),
    "facility_use": (
        "{who}干完活后在我家客厅看了半天电视。",
        "{who}未经同意使用了我家卫生间洗澡。",
        "{who}在我家喝冰箱里的饮料,还坐了按摩椅。",
    ),
    "outsiders": (
        "{who}上门时带了一个朋友进来,说是帮忙,但不是物业公司的人。",
        "{who}带着自家孩子进来干活,孩子在屋里乱跑。",
    ),
    "damage": (
        "{who}上门时把卫生间的镜子碰碎了。",
        "{who}搬动家具时刮花了木地板。",
    ),
    "lingering": (
        "活干完了{who}还在我家坐着聊天,半个多小时才走。",
        "{who}做完后一直在屋里打电话,迟迟不离开。",
    ),
    "other": (
        "希望以后上门前能先电话预约时间。",
        "{who}上门忘了带鞋套,已当场提醒。",
        "建议上门人员随身携带常用工具和配件,减少来回跑。",
    ),
}

# (category, team) → texts that only fit that trade; used in preference to the above.
TRADE_TEXTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("incompetent", "维修"): (
        "水龙头{who}已经修了两次,还是漏水,感觉不会修。",
        "{who}折腾了两个小时也没找到跳闸原因,最后让我们自己找人。",
        "{who}装的晾衣架第二天就松了,要求换人来处理。",
        "{who}看了一眼热水器说修不了就走了,对设备一窍不通。",
    ),
    ("incompetent", "保洁"): (
        "{who}打扫后厨房台面还是油腻腻的,返工一次也没弄干净。",
        "{who}擦完玻璃满是水痕,清洁剂也用错了,把台面弄花了。",
    ),
    ("praise", "维修"): ("{who}修好了困扰我们很久的渗水问题,技术过硬,特此表扬。",),
    ("praise", "保洁"): ("{who}打扫得特别干净,边边角角都照顾到了,非常满意。",),
    ("praise", "安保"): ("深夜钥匙丢了,{who}很快赶到帮忙开门,非常感谢。",),
}


def feedback_template(rng: random.Random, category: str, team: str) -> str:
    """A resident's words for a category ({who}, {amount}), in the trade's terms if any."""
    trade = TRADE_TEXTS.get((category, team), ())
    # Incompetence is judged in the trade: a plumber is not reported for poor cleaning.
    if category == "incompetent" and trade:
        return rng.choice(trade)
    return rng.choice(FEEDBACK_TEXTS[category] + trade)


def feedback_text(rng: random.Random, category: str, team: str, who: str) -> str:
    """A resident's words for a category that names no amount."""
    return feedback_template(rng, category, team).format(who=who, amount="")


RETURN_VISIT_TEXTS: dict[str, tuple[str, ...]] = {
    "satisfied": (
        "回访:住户对{who}的维修结果满意。",
        "回访:住户表示服务及时,质量很好。",
        "回访:住户满意,无其他意见。",
    ),
    "basically_satisfied": (
        "回访:住户基本满意,希望上门时间更准时。",
        "回访:问题已解决,但住户觉得等待时间较长。",
    ),
    "unsatisfied": (
        "回访:住户不满意,问题没有彻底解决,要求再次上门。",
        "回访:住户反映{who}做完后现场没有清理,很不满意。",
        "回访:维修后仍有故障,住户对处理结果不满意。",
    ),
}

# Item, description, (min, max) value in yuan, basis, valuation note.
DAMAGES: tuple[tuple[str, str, tuple[int, int], str, str], ...] = (
    ("浴室镜", "更换水龙头时扳手滑脱,砸碎浴室镜。", (150, 600), "receipt", "住户提供购买发票"),
    ("木地板", "搬动衣柜时未垫保护垫,划伤客厅木地板约1.5米。", (800, 3500), "quote",
     "地板厂家上门报价单"),
    ("玻璃茶几", "保洁时挪动茶几,玻璃台面磕裂。", (400, 1500), "receipt", "住户提供网购订单截图"),
    ("水晶吊灯", "更换灯泡时碰落吊灯挂件,摔碎三串水晶。", (600, 4800), "quote",
     "灯具店维修报价"),
    ("大理石台面", "疏通下水时工具掉落,大理石台面崩角。", (1200, 5200), "quote",
     "石材公司修补报价"),
    ("真皮沙发", "维修人员工具包拉链划破沙发扶手。", (2500, 9000), "receipt",
     "住户提供购买凭证,按折旧后价格计"),
    ("智能马桶盖", "拆装时电源线被压断,马桶盖无法使用。", (1500, 3200), "receipt",
     "住户提供购买发票"),
)  # fmt: skip

OVERTIME_REASONS = (
    "住户白天上班,要求晚上七点后上门维修",
    "卫生间水管爆裂,住户要求下班后紧急处理",
    "周日家中宴客,住户要求上门疏通下水",
    "住户次日出国,要求当晚修好门锁",
    "老人独居,夜间热水器故障需尽快处理",
)

OVERTIME_NOTES = {
    "approved": ("同意,已调整其他住户预约", "同意加班,注意安全", "同意,次日补休"),
    "refused": ("不同意,安排次日上午上门", "当日人手不足,改约时间"),
}

AREAS = (
    "大堂", "电梯厅", "地下车库B1", "中心花园", "东门岗亭", "西门岗亭", "垃圾分类点",
    "游泳池", "儿童游乐区", "消防通道",
)  # fmt: skip

SPOT_NOTES_PASS = (
    "现场检查无异常。",
    "着装整齐,佩证规范。",
    "服务流程规范,住户无意见。",
    "工具摆放整齐,现场整洁。",
)

SPOT_NOTES_FAIL = (
    "现场发现问题,已当面指出并要求整改。",
    "检查中发现不规范行为,已拍照留存。",
    "已口头提醒,待复查。",
)

VISIT_NOT_DONE = "需更换配件,待配件到货后再次上门"

# Checklist item → what an inspector writes when it fails.
ITEM_FAIL_NOTES: dict[str, str] = {
    "attitude": "与住户交流时语气生硬",
    "badge_worn": "检查时未佩戴工作证",
    "knock_before_entry": "未敲门直接开门进入",
    "ring_duration": "按住门铃不放,鸣铃过长",
    "ring_interval": "连续按铃,间隔过短",
    "work_to_requirement": "现场施工未按要求完成,需返工",
    "no_facility_use": "发现在住户家中使用沙发休息看电视",
    "no_outsiders": "带无关人员入户",
    "no_gossip": "在住户家中议论其他住户家事",
    "left_promptly": "完工后未及时离开",
}
