# labs/instructor.mk: targets for instructors, included by the Makefile. The
# staging tool leaves this file out of student trees. See labs/README.md.
#
#   make stage LAB=N OUT=DIR        the student tree for lab N
#   make branches REPO=DIR          branches lab1..lab7 in REPO (LABS=1-3 for fewer)
#   make check-stage                each ready lab's staged tree: builds, fails its own
#                                   lab with explanations, passes the lab before it
#                                   (EARLIER=all: every lab before it; JOBS=2: two
#                                   labs at once, as `make test` runs it)
#   make gradescope LAB=N           build/gradescope/mica-autograder.zip (EXTRA=DIR adds hidden tests)
#   make markers                    list every marked region with its lab and exercise
#   make gradetables                refresh the grading tables in the handouts from the grader

STAGE := $(PYTHON) labs/tools/stage.py
LABS  ?= 1-7

stage:
	@if [ -z "$(LAB)" ] || [ -z "$(OUT)" ]; then echo "usage: make stage LAB=N OUT=DIR"; exit 2; fi
	$(STAGE) --lab $(LAB) --out $(OUT)

branches:
	@if [ -z "$(REPO)" ]; then echo "usage: make branches REPO=DIR [LABS=1-7]"; exit 2; fi
	$(STAGE) --branches $(REPO) --labs $(LABS)

markers:
	@$(STAGE) --list

check-stage:
	$(PYTHON) labs/tools/check_stage.py $(if $(LAB),--lab $(LAB)) --emu $(EMU) $(if $(JOBS),--jobs $(JOBS)) $(if $(EARLIER),--earlier $(EARLIER))

gradescope:
	@if [ -z "$(LAB)" ]; then echo "usage: make gradescope LAB=N [EXTRA=DIR]"; exit 2; fi
	$(PYTHON) labs/tools/gradescope.py --lab $(LAB) $(if $(EXTRA),--extra $(EXTRA)) --out $B/gradescope

.PHONY: stage branches markers check-stage gradescope

# The grading tables in handouts/labN-*.md, rewritten from the grader's @grade markers.
gradetables:
	$(PYTHON) labs/tools/gradetable.py --update

.PHONY: gradetables
