"""A province-size procedure catalogue, generated (seeded) for the catalogue benchmark and tests.

Names are built the way the national catalogue's are: an act ("Cấp", "Gia hạn", "Đăng ký"...),
its object ("giấy phép xây dựng"...) and, for most, who or what level it is for ("cấp tỉnh",
"đối với doanh nghiệp"...). "Cấp giấy phép xây dựng" itself is always in it.
"""
from __future__ import annotations

import csv
import random
from pathlib import Path

FIELDS: dict[str, list[str]] = {
    "Xây dựng": ["giấy phép xây dựng", "giấy phép xây dựng nhà ở riêng lẻ", "giấy phép di dời công trình",
                 "chứng chỉ hành nghề hoạt động xây dựng", "giấy phép sửa chữa, cải tạo công trình"],
    "Đất đai": ["Giấy chứng nhận quyền sử dụng đất", "quyền sử dụng đất, tài sản gắn liền với đất",
                "biến động đất đai", "hợp đồng thuê đất", "mục đích sử dụng đất"],
    "Hộ tịch": ["khai sinh", "kết hôn", "khai tử", "giám hộ", "nhận cha, mẹ, con", "thay đổi, cải chính hộ tịch"],
    "Đăng ký kinh doanh": ["hộ kinh doanh", "doanh nghiệp tư nhân", "công ty trách nhiệm hữu hạn",
                           "hợp tác xã", "chi nhánh, văn phòng đại diện"],
    "Giáo dục": ["trường mầm non", "trường tiểu học", "trung tâm ngoại ngữ, tin học", "văn bằng, chứng chỉ",
                 "hoạt động giáo dục kỹ năng sống"],
    "Y tế": ["chứng chỉ hành nghề khám bệnh, chữa bệnh", "giấy phép hoạt động phòng khám",
             "cơ sở bán lẻ thuốc", "giấy chứng nhận đủ điều kiện an toàn thực phẩm"],
    "Giao thông vận tải": ["giấy phép lái xe", "phù hiệu xe ô tô kinh doanh vận tải", "giấy phép kinh doanh vận tải",
                           "giấy phép thi công công trình đường bộ"],
    "Văn hóa": ["giấy phép tổ chức lễ hội", "giấy phép kinh doanh karaoke", "di tích lịch sử - văn hóa",
                "giấy phép quảng cáo"],
    "Lao động": ["giấy phép lao động cho người nước ngoài", "trợ cấp thất nghiệp", "nội quy lao động",
                 "thỏa ước lao động tập thể"],
    "Tài nguyên nước": ["giấy phép khai thác nước dưới đất", "giấy phép xả nước thải vào nguồn nước",
                        "giấy phép thăm dò nước dưới đất"],
    "Nông nghiệp": ["giấy chứng nhận cơ sở đủ điều kiện chăn nuôi", "kiểm dịch động vật", "giống cây trồng",
                    "phân bón", "thuốc bảo vệ thực vật"],
    "Bảo trợ xã hội": ["trợ cấp xã hội hằng tháng", "hỗ trợ chi phí mai táng", "cơ sở trợ giúp xã hội",
                       "mức độ khuyết tật"],
    "Công thương": ["giấy phép bán lẻ rượu", "giấy phép bán lẻ sản phẩm thuốc lá", "cửa hàng bán lẻ xăng dầu",
                    "giấy chứng nhận đủ điều kiện kinh doanh khí"],
    "Tư pháp": ["Phiếu lý lịch tư pháp", "chứng thực bản sao từ bản chính", "chứng thực chữ ký",
                "tổ chức hành nghề công chứng", "trợ giúp pháp lý"],
}
ACTS = ["Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Điều chỉnh", "Thu hồi", "Đăng ký", "Xác nhận",
        "Thẩm định", "Phê duyệt", "Công nhận", "Chấp thuận", "Sửa đổi, bổ sung", "Đăng ký thay đổi"]
FOR = ["", "", "cấp tỉnh", "cấp huyện", "cấp xã", "đối với doanh nghiệp", "đối với cá nhân",
       "có yếu tố nước ngoài", "trong khu công nghiệp", "đối với công trình cấp đặc biệt"]
MUST_HAVE = ("Cấp giấy phép xây dựng", "Xây dựng")


def province_catalogue(count: int = 1800, seed: int = 17) -> list[tuple[str, str, str]]:
    """`count` distinct (code, name, field) triples in the catalogue's shapes (code `1.001612`)."""
    rng = random.Random(seed)
    names: list[tuple[str, str]] = []
    for field, objects in FIELDS.items():
        for act in ACTS:
            for thing in objects:
                for audience in FOR:
                    names.append((f"{act} {thing}" + (f" {audience}" if audience else ""), field))
    names = sorted(set(names) - {MUST_HAVE})
    rng.shuffle(names)
    chosen = [MUST_HAVE] + names[: count - 1]
    if len(chosen) < count:
        raise ValueError(f"at most {len(names) + 1} distinct names")
    numbers = rng.sample(range(1, 2_000_000), count)
    return [(f"{1 + number // 1_000_000}.{number % 1_000_000:06d}", name[0].upper() + name[1:], field)
            for number, (name, field) in zip(numbers, chosen, strict=True)]


def write_catalogue_csv(path: Path, count: int = 1800, seed: int = 17) -> Path:
    """The catalogue as the CSV `import-procedures` reads (columns code, name, field)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["code", "name", "field"])
        writer.writerows(province_catalogue(count, seed))
    return path
