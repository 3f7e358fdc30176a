"""Word lists for the synthetic CRM: names, industries, products, reps, canned texts.

Everything here is encodable in GBK (customers.csv is written in GBK, as Excel on Windows does);
``tests/demo/test_demo.py`` checks it. Pinyin is given where e-mail addresses are derived from names.
"""

from __future__ import annotations


def _pairs(text: str) -> list[tuple[str, str]]:
    """'王wang 李li' → [('王', 'wang'), ('李', 'li')]: a character and its pinyin."""
    return [(w[0], w[1:]) for w in text.split()]


# --- people -----------------------------------------------------------------------------------
# Surnames in rough order of frequency, with pinyin.
SURNAMES: tuple[tuple[str, str], ...] = tuple(
    _pairs(
        "王wang 李li 张zhang 刘liu 陈chen 杨yang 黄huang 赵zhao 吴wu 周zhou 徐xu 孙sun 马ma "
        "朱zhu 胡hu 郭guo 何he 高gao 林lin 罗luo 郑zheng 梁liang 谢xie 宋song 唐tang 许xu 韩han "
        "冯feng 邓deng 曹cao 彭peng 曾zeng 肖xiao 田tian 董dong 袁yuan 潘pan 于yu 蒋jiang 蔡cai "
        "余yu 杜du 叶ye 程cheng 苏su 魏wei 吕lv 丁ding 任ren 沈shen 姚yao 卢lu 姜jiang 崔cui "
        "钟zhong 谭tan 陆lu 汪wang 范fan 金jin 石shi 廖liao 贾jia 夏xia 韦wei 付fu 方fang 白bai "
        "邹zou 孟meng 熊xiong 秦qin 邱qiu 江jiang 尹yin 薛xue 闫yan 段duan 雷lei 侯hou 龙long "
        "史shi 陶tao 黎li 贺he 顾gu 毛mao 郝hao 龚gong 邵shao 万wan 钱qian 严yan 覃qin 武wu "
        "戴dai 莫mo 孔kong 向xiang 汤tang"
    )
)
GIVEN_MALE: tuple[tuple[str, str], ...] = tuple(
    _pairs(
        "伟wei 强qiang 磊lei 军jun 勇yong 杰jie 涛tao 斌bin 超chao 明ming 刚gang 平ping 辉hui "
        "鹏peng 华hua 飞fei 鑫xin 波bo 宇yu 浩hao 凯kai 健jian 俊jun 帆fan 旭xu 宁ning 龙long "
        "林lin 阳yang 建jian 国guo 志zhi 文wen 博bo 东dong 海hai 峰feng 亮liang 晨chen 毅yi"
    )
)
GIVEN_FEMALE: tuple[tuple[str, str], ...] = tuple(
    _pairs(
        "芳fang 娜na 敏min 静jing 丽li 艳yan 娟juan 霞xia 秀xiu 玲ling 英ying 慧hui 颖ying "
        "婷ting 雪xue 琳lin 洁jie 倩qian 萍ping 红hong 燕yan 梅mei 莉li 兰lan 欣xin 悦yue "
        "晓xiao 佳jia 雨yu 思si 琪qi 蕾lei 瑶yao 璐lu 薇wei 丹dan 月yue 春chun 云yun 珊shan"
    )
)
OCCUPATIONS: tuple[str, ...] = (
    "企业职员", "教师", "医生", "工程师", "公务员", "自由职业", "个体经营", "设计师", "律师",
    "会计", "销售", "程序员",
)  # fmt: skip
PERSONAL_MAIL_DOMAINS: tuple[str, ...] = ("163.com", "126.com", "sina.com", "foxmail.com")

# --- enterprises ------------------------------------------------------------------------------
# 字号 (trade name) = one character of each list; pinyin for the e-mail domain.
TRADE_FIRST: tuple[tuple[str, str], ...] = tuple(
    _pairs(
        "华hua 中zhong 恒heng 鼎ding 天tian 瑞rui 博bo 智zhi 信xin 宏hong 金jin 新xin 长chang "
        "东dong 海hai 盛sheng 联lian 锦jin 永yong 正zheng 德de 安an 汇hui 嘉jia 泰tai 创chuang "
        "云yun 弘hong 润run 启qi 九jiu 万wan 星xing 远yuan 宇yu 卓zhuo 英ying 佳jia 力li 明ming"
    )
)
TRADE_SECOND: tuple[tuple[str, str], ...] = tuple(
    _pairs(
        "达da 兴xing 通tong 源yuan 科ke 成cheng 丰feng 诚cheng 业ye 辉hui 腾teng 邦bang 康kang "
        "合he 阳yang 峰feng 航hang 翔xiang 和he 祥xiang 美mei 威wei 迅xun 拓tuo 晟sheng 锐rui "
        "驰chi 图tu 维wei 森sen 光guang 方fang 凌ling 越yue 捷jie 元yuan 坤kun 泽ze 磊lei 晖hui"
    )
)
# Legal forms and their weights.
LEGAL_FORMS: tuple[tuple[str, float], ...] = (
    ("有限公司", 0.62), ("股份有限公司", 0.2), ("有限责任公司", 0.12), ("集团有限公司", 0.06),
)  # fmt: skip


# GB/T 4754-2017 industries: (standard name "section-division", weight, words that go into
# company names, main businesses, free-text spellings users type instead of the standard name).
INDUSTRIES: tuple[tuple[str, float, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    ("制造业-专用设备制造业", 0.10, ("智能装备", "精密机械", "装备制造"),
     ("工业自动化设备研发与制造", "专用检测设备生产", "包装机械制造与销售"),
     ("制造", "机械制造", "装备制造")),
    ("制造业-通用设备制造业", 0.07, ("机械", "泵阀", "动力设备"),
     ("通用机械及零部件制造", "工业泵阀生产销售", "液压设备制造"),
     ("制造", "机械", "工业")),
    ("制造业-计算机、通信和其他电子设备制造业", 0.09, ("电子", "光电", "通信设备"),
     ("电子元器件研发生产", "通信设备制造", "智能终端制造"),
     ("电子", "电子制造", "制造")),
    ("制造业-汽车制造业", 0.05, ("汽车零部件", "汽车配件", "车业"),
     ("汽车零部件研发与制造", "新能源汽车配件生产", "汽车内饰件制造"),
     ("汽车", "汽配", "制造")),
    ("制造业-医药制造业", 0.05, ("生物医药", "制药", "医药科技"),
     ("化学药品制剂生产", "生物制品研发", "中成药生产销售"),
     ("医药", "生物医药", "医疗")),
    ("软件和信息技术服务业", 0.14, ("软件", "信息技术", "网络科技", "数据科技"),
     ("企业管理软件开发", "信息系统集成服务", "云计算与大数据服务", "软件外包开发"),
     ("IT", "软件", "科技行业", "信息技术")),
    ("互联网和相关服务", 0.06, ("网络", "互联网科技", "数字科技"),
     ("互联网平台运营", "电子商务平台服务", "网络信息服务"),
     ("互联网", "科技行业", "IT")),
    ("批发和零售业-批发业", 0.10, ("贸易", "商贸", "供应链"),
     ("电子产品批发", "工业原材料贸易", "进出口贸易"),
     ("贸易", "批发", "商贸")),
    ("批发和零售业-零售业", 0.06, ("商业", "百货", "连锁"),
     ("连锁零售经营", "日用百货零售", "家电零售"),
     ("零售", "商超", "贸易")),
    ("金融业-货币金融服务", 0.04, ("金融服务", "融资租赁", "金服"),
     ("融资租赁服务", "小额贷款", "供应链金融服务"),
     ("金融", "银行", "金融服务")),
    ("建筑业-土木工程建筑业", 0.06, ("建设工程", "路桥工程", "建工"),
     ("市政工程施工", "道路桥梁施工", "建筑工程总承包"),
     ("建筑", "工程", "基建")),
    ("交通运输、仓储和邮政业-道路运输业", 0.05, ("物流", "运输", "快运"),
     ("道路普通货物运输", "仓储物流服务", "冷链运输"),
     ("物流", "运输", "交通运输")),
    ("租赁和商务服务业-商务服务业", 0.07, ("企业管理咨询", "商务咨询", "人力资源"),
     ("企业管理咨询", "人力资源服务", "会展服务"),
     ("咨询", "服务业", "商务服务")),
    ("电力、热力、燃气及水生产和供应业-电力、热力生产和供应业", 0.06, ("新能源", "能源科技", "电力"),
     ("光伏电站运营", "风力发电", "综合能源服务"),
     ("能源", "新能源", "电力")),
)  # fmt: skip

SIZES: tuple[tuple[str, float], ...] = (("小型", 0.5), ("中型", 0.35), ("大型", 0.15))

# Contact titles, their weight, and P(决策者, 影响者, 使用者).
TITLES: tuple[tuple[str, float, tuple[float, float, float]], ...] = (
    ("总经理", 0.16, (0.85, 0.15, 0.0)),
    ("副总经理", 0.08, (0.6, 0.4, 0.0)),
    ("董事长", 0.04, (0.95, 0.05, 0.0)),
    ("采购经理", 0.14, (0.3, 0.6, 0.1)),
    ("IT总监", 0.12, (0.4, 0.55, 0.05)),
    ("技术负责人", 0.1, (0.15, 0.6, 0.25)),
    ("信息部经理", 0.08, (0.1, 0.7, 0.2)),
    ("运营总监", 0.07, (0.25, 0.6, 0.15)),
    ("财务总监", 0.05, (0.5, 0.5, 0.0)),
    ("销售总监", 0.06, (0.2, 0.5, 0.3)),
    ("行政主管", 0.05, (0.0, 0.3, 0.7)),
    ("业务专员", 0.05, (0.0, 0.2, 0.8)),
)
DECISION_ROLES: tuple[str, ...] = ("决策者", "影响者", "使用者")

# --- customers in general ---------------------------------------------------------------------
CUSTOMER_TYPES: tuple[str, ...] = ("企业", "个人")
CHANNELS: tuple[str, ...] = ("官网注册", "展会", "客户拜访", "转介绍", "社交媒体", "第三方平台")
CHANNEL_WEIGHTS_ENTERPRISE = (0.18, 0.2, 0.24, 0.2, 0.08, 0.1)
CHANNEL_WEIGHTS_PERSON = (0.3, 0.05, 0.03, 0.17, 0.25, 0.2)
PREFERENCES: tuple[str, ...] = (
    "性价比", "售后服务", "产品功能", "品牌口碑", "交付速度", "定制能力", "数据安全", "易用性",
)  # fmt: skip
STATUSES: tuple[str, ...] = ("潜在客户", "成交客户", "流失客户")
GENDERS: tuple[str, ...] = ("男", "女")

# Sales reps per region (names unique across regions).
OWNERS: dict[str, tuple[str, ...]] = {
    "华东": ("周志远", "陈思雨", "王海峰", "李晓燕", "张子豪", "刘佳琪", "孙立军", "徐文静"),
    "华南": ("黄俊杰", "林晓婷", "梁国栋", "陈嘉欣", "吴泽宇", "何美玲"),
    "华北": ("赵宏伟", "王雪梅", "李建国", "刘畅", "张慧敏", "高志强"),
    "华中": ("胡振华", "杨丽娟", "周鹏飞", "罗婷婷", "彭俊"),
    "西南": ("唐小龙", "邓雨涵", "冯建军", "曾琳", "谢文涛"),
    "西北": ("马骏", "王丹", "杜鹏", "郝静"),
    "东北": ("于洋", "崔明哲", "孙丽丽", "姜涛"),
}

# --- orders -----------------------------------------------------------------------------------
# (product, category, weight for enterprises, weight for individuals, "big ticket")
PRODUCTS: tuple[tuple[str, str, float, float, bool], ...] = (
    ("CRM标准版", "软件许可", 0.12, 0.25, True),
    ("CRM专业版", "软件许可", 0.12, 0.08, True),
    ("CRM旗舰版", "软件许可", 0.05, 0.0, True),
    ("数据分析模块", "增值模块", 0.1, 0.12, True),
    ("营销自动化模块", "增值模块", 0.08, 0.05, True),
    ("移动办公套件", "增值模块", 0.06, 0.1, False),
    ("实施服务", "专业服务", 0.1, 0.02, True),
    ("定制开发", "专业服务", 0.07, 0.0, True),
    ("培训服务", "专业服务", 0.1, 0.15, False),
    ("年度维保", "运维服务", 0.14, 0.08, False),
    ("云存储扩容", "运维服务", 0.06, 0.15, False),
)
PAYMENT_METHODS: tuple[str, ...] = ("对公转账", "承兑汇票", "微信支付", "支付宝", "银行卡")
PAYMENT_WEIGHTS_ENTERPRISE = (0.7, 0.12, 0.06, 0.06, 0.06)
PAYMENT_WEIGHTS_PERSON = (0.0, 0.0, 0.42, 0.4, 0.18)

# --- interactions -----------------------------------------------------------------------------
INTERACTION_CHANNELS: tuple[str, ...] = ("电话", "微信", "邮件", "拜访", "在线客服")
INTERACTION_CHANNEL_WEIGHTS_ENTERPRISE = (0.3, 0.25, 0.2, 0.15, 0.1)
INTERACTION_CHANNEL_WEIGHTS_PERSON = (0.2, 0.4, 0.05, 0.02, 0.33)
INTERACTION_TYPES: tuple[str, ...] = ("咨询", "投诉", "表扬", "售后", "活动")
QUESTION_TYPES: tuple[str, ...] = ("产品", "价格", "售后")
# P(产品, 价格, 售后) per interaction type.
QUESTION_BY_TYPE: tuple[tuple[float, float, float], ...] = (
    (0.5, 0.45, 0.05), (0.2, 0.1, 0.7), (0.4, 0.0, 0.6), (0.2, 0.0, 0.8), (0.65, 0.35, 0.0),
)  # fmt: skip
# Summary templates per type; {p} is a product.
SUMMARIES: tuple[tuple[str, ...], ...] = (
    ("咨询{p}的功能和报价", "了解{p}与现有系统的对接方式", "询问{p}的试用政策",
     "咨询续费及升级方案", "索取{p}的方案白皮书"),
    ("反馈{p}系统响应慢，要求尽快处理", "投诉实施进度延期", "对售后响应速度不满意",
     "反映数据导出经常出错", "投诉账单金额与合同不符", "反馈{p}升级后功能异常"),
    ("对{p}使用效果表示满意", "表扬实施团队专业高效", "感谢客服快速解决问题"),
    ("{p}使用问题远程协助处理", "申请{p}账号权限调整", "预约上门排查系统故障",
     "咨询数据备份与恢复", "{p}版本升级指导"),
    ("邀请参加新品发布会", "参加线上产品培训直播", "报名年度客户答谢会", "参与{p}试用活动"),
)  # fmt: skip

# --- requirements -----------------------------------------------------------------------------
REQ_CATEGORIES: tuple[str, ...] = (
    "产品功能优化", "定制化开发", "售后支持", "价格优惠", "培训需求", "系统集成",
)  # fmt: skip
REQ_CATEGORY_WEIGHTS = (0.3, 0.15, 0.18, 0.14, 0.1, 0.13)
REQ_NATURES: tuple[str, ...] = ("功能需求", "服务需求", "价格需求")
REQ_NATURE_OF_CATEGORY = (0, 0, 1, 2, 1, 0)
REQ_EXPLICITNESS: tuple[str, ...] = ("显性", "隐性")
REQ_URGENCIES: tuple[str, ...] = ("紧急", "重要", "一般")
REQ_PRIORITIES: tuple[str, ...] = ("高", "中", "低")
REQ_STATUSES: tuple[str, ...] = ("待处理", "处理中", "已解决", "无法满足")
REQ_REJECTION_REASONS: tuple[str, ...] = (
    "技术架构不支持", "开发成本过高", "不符合产品规划", "超出合同范围", "第三方系统限制",
)  # fmt: skip
# Per category: (lead-ins, objects, wishes); a description is one of each, concatenated.
REQ_FRAGMENTS: tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (("希望", "建议", "客户反馈需要"),
     ("报表模块", "客户管理模块", "移动端", "审批流程", "数据看板", "销售漏斗视图"),
     ("支持按区域导出Excel", "增加批量导入功能", "优化页面加载速度", "支持自定义字段",
      "增加消息提醒功能")),
    (("需要定制", "希望单独开发", "要求定制"),
     ("与ERP对接的接口", "专属审批流程", "行业报表模板", "经销商管理功能", "数据大屏"),
     ("，并按本公司业务流程调整", "，需在季度内上线", "，满足集团管控要求")),
    (("要求", "希望", "客户提出"),
     ("售后团队", "技术支持", "客服热线"),
     ("提供7x24小时响应", "缩短故障响应时间", "安排专人驻场", "定期巡检系统")),
    (("希望", "客户要求", "询问能否"),
     ("续费时", "增购账号时", "升级专业版时"),
     ("给予价格优惠", "提供折扣", "支持分期付款", "赠送培训服务")),
    (("需要为", "希望为", "要求为"),
     ("新员工", "销售团队", "系统管理员"),
     ("安排系统操作培训", "提供报表使用培训", "开通线上培训课程")),
    (("希望与", "要求与", "需要与"),
     ("企业微信", "钉钉", "金蝶ERP", "用友U8", "OA系统"),
     ("集成，实现数据同步", "打通，实现单点登录", "对接，实现订单自动同步")),
)  # fmt: skip

# --- opportunities ----------------------------------------------------------------------------
STAGES: tuple[str, ...] = ("潜在线索", "意向客户", "方案洽谈", "成交", "流失")
LOST_REASONS: tuple[str, ...] = ("价格偏高", "竞品选择", "需求变化", "预算不足", "决策延迟")
LOST_REASON_WEIGHTS = (0.42, 0.24, 0.14, 0.12, 0.08)
