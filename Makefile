# Weft's entry points. Each target is a thin alias over Maven (or a small script in scripts/);
# the logic lives in the build, not here.
SHELL := /bin/bash
JAVA_HOME := $(shell scripts/find-jdk)
ifeq ($(JAVA_HOME),)
$(error no JDK 21+ found: see the message above)
endif
export JAVA_HOME
export PATH := $(JAVA_HOME)/bin:$(PATH)
# Maven's bundled Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every run.
JAVA_FEATURE := $(shell sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' $(JAVA_HOME)/release 2>/dev/null)
ifeq ($(shell [ "$(JAVA_FEATURE)" -ge 24 ] 2>/dev/null && echo yes),yes)
export MAVEN_OPTS := $(MAVEN_OPTS) --sun-misc-unsafe-memory-access=allow
endif
MVN := mvn -B -ntp -Dstyle.color=never
# Maven's own progress lines off: warnings and errors only.
QUIET := -Dorg.slf4j.simpleLogger.defaultLogLevel=warn

.PHONY: build test run docs classpath bench golden format clean

## build: compile everything, run no tests, install every io.weft artifact (with sources and javadoc jars) in the local
## Maven repository; produces examples/interop/target/interop.jar, toolkit-gen/target/toolkit-gen.jar and weft-cli/target/weft.jar (bin/weft). Prints warnings and errors only.
build:
	$(MVN) $(QUIET) -DskipTests install
	@echo "make build: done (io.weft $$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1) installed in the local Maven repository)"

## test: the whole test suite (unit, wire vectors, end to end, and the real peers: libthrift, grpc-java, and Kitex built from interop/kitex with Go)
test:
	$(MVN) install

ECHO_JAR := examples/echo/target/echo.jar
ECHO_INPUTS := $(shell find toolkit-api/src/main toolkit-server/src/main toolkit-client/src/main toolkit-gen/src/main \
  examples/echo/src -type f 2>/dev/null) \
  pom.xml toolkit-api/pom.xml toolkit-server/pom.xml toolkit-client/pom.xml toolkit-gen/pom.xml examples/pom.xml examples/echo/pom.xml

## run: the seed's echo example: starts the server on PORT (default 8888), runs the PingPong and Oneway clients, stops the server.
## Rebuilds only the echo example and what it needs, and only when a source or pom is newer than its jar.
run: $(ECHO_JAR)
	scripts/run-echo

$(ECHO_JAR): $(ECHO_INPUTS)
	@echo "make run: building $@ (a source or pom is newer)"
	$(MVN) $(QUIET) -DskipTests install -pl examples/echo -am
	@touch $@

## docs: the public API's javadoc (io.weft.api, io.weft.api.spi, and io.weft.runtime, the types generated code uses)
## in target/reports/apidocs; fails on a public declaration without a comment
docs:
	MVN="$(MVN)" scripts/make-docs

## classpath: the runtime classpath generated code needs, on one line (after `make build`)
classpath:
	@$(MVN) -q -pl examples/echo dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime 2>/dev/null \
	  | sed 's/\x1b\[[0-9;]*m//g'; echo

## bench: Weft against Kitex, libthrift and grpc-java in one run (needs Go); table and chart in examples/bench/target/bench
bench: build
	scripts/run-bench

## golden: rewrite toolkit-gen's expected outputs from the current generator
golden:
	$(MVN) -pl toolkit-gen -am install -Dgolden.update=true -Dtest='Golden*' -Dsurefire.failIfNoSpecifiedTests=false

## format: rewrite every Java source of Weft's modules (src/main/java, src/test/java) in google-java-format's Google style;
## `make test` fails on a file that differs from it (skip that check with -Dspotless.check.skip=true)
format:
	$(MVN) $(QUIET) spotless:apply -pl '!weft-bom'  # the BOM has no parent, hence no formatter, and no Java

clean:
	$(MVN) -q clean
