"""The catalogue search's page of results and its total: one query fewer when every match fits on page one."""
from datetime import date

import pytest

from courses.catalogue.queries import CatalogueFilters, search_courses


@pytest.fixture
def ten_courses(make_course):
    return [make_course(title_zh=f"韌性城市規劃{n}", title_en=f"Resilience {n}") for n in range(10)]


@pytest.mark.parametrize("per_page, page, items, total", [
    (20, 1, 10, 10),   # fits on the first page: the total is the page's length, no count query
    (10, 1, 10, 10),   # exactly full: the count decides (there might be more)
    (4, 1, 4, 10),
    (4, 3, 2, 10),     # the last, short page of several: still counted
    (4, 9, 0, 10),     # past the end
])
def test_totals_are_exact_whichever_way_they_are_found(ten_courses, per_page, page, items, total):
    found = search_courses(CatalogueFilters(text="韌性城市"), date(2026, 11, 26), page=page, per_page=per_page)
    assert (len(found.items), found.total) == (items, total)


def test_a_search_that_fits_on_one_page_skips_the_count(ten_courses, count_queries):
    with count_queries() as short:
        search_courses(CatalogueFilters(text="韌性城市"), date(2026, 11, 26), per_page=20)
    with count_queries() as paged:
        search_courses(CatalogueFilters(text="韌性城市"), date(2026, 11, 26), per_page=4)
    assert len(paged) == len(short) + 1
