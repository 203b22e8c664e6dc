# Install layout and the Debian package (included from the top CMakeLists).
#
#   cmake -S . -B build-pkg -DKIOSK_PACKAGE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
#   cmake --build build-pkg -j2
#   cmake --install build-pkg            # or: (cd build-pkg && cpack -G DEB)
#
# Where things go (prefix /usr):
#   /usr/bin/kiosk                                the program (the lean one)
#   /usr/libexec/clinic-kiosk/kiosk               the full one: run, render, speak
#   /usr/share/clinic-kiosk/content/              the shipped pages (the default)
#   /usr/share/clinic-kiosk/assets/               logo and icons
#   /etc/clinic-kiosk/kiosk.conf                  the configuration (a conffile)
#   /var/lib/clinic-kiosk/                        index and usage counts
#   /lib/systemd/system/clinic-kiosk*.service     the units (scripts/systemd/)
#   /usr/lib/clinic-kiosk/show-failure            the fallback screen's script
#   /usr/share/doc/clinic-kiosk/README.md         this project's README
# A clinic's own pages live where [paths] content in kiosk.conf says (the
# README suggests /srv/clinic-kiosk/content): nothing here writes there.

if(NOT KIOSK_PACKAGE)
  # A build-tree binary looks for its pages in this source tree: installing
  # it would give a /usr/bin/kiosk that breaks when the tree moves.
  install(CODE "message(FATAL_ERROR \"This build's kiosk uses the source tree as its defaults. Configure a build for installing: cmake -S ${CMAKE_SOURCE_DIR} -B build-pkg -DKIOSK_PACKAGE=ON (see README, 'Deploy on a kiosk')\")")
endif()

# systemd's folder for packaged units (Debian 12: /lib/systemd/system).
set(KIOSK_UNIT_DIR "/lib/systemd/system" CACHE PATH "Where the systemd units are installed")

install(TARGETS kiosk RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS kiosk_full RUNTIME DESTINATION ${KIOSK_LIBEXEC_DIR}) # run, render, speak (exec_full.c)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/content/ DESTINATION ${KIOSK_DATA_DIR}/content)
if(EXISTS ${CMAKE_SOURCE_DIR}/assets)
  install(DIRECTORY ${CMAKE_SOURCE_DIR}/assets/ DESTINATION ${KIOSK_DATA_DIR}/assets)
endif()
install(FILES ${CMAKE_SOURCE_DIR}/scripts/kiosk.conf DESTINATION ${KIOSK_CONF_DIR})
install(DIRECTORY DESTINATION ${KIOSK_VAR_DIR}) # owned by the clinic-kiosk user (postinst)
file(GLOB kiosk_units CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/scripts/systemd/*.service
                                        ${CMAKE_SOURCE_DIR}/scripts/systemd/*.timer)
install(FILES ${kiosk_units} DESTINATION ${KIOSK_UNIT_DIR})
install(PROGRAMS ${CMAKE_SOURCE_DIR}/scripts/systemd/show-failure
        DESTINATION lib/clinic-kiosk) # a helper, not a library: no multiarch folder
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/clinic-kiosk)

# ---------------------------------------------------------------- cpack -G DEB
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME clinic-kiosk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_PACKAGE_CONTACT "Clinic kiosk maintainers <kiosk@localhost>" CACHE STRING "The .deb's Maintainer")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "offline touchscreen information kiosk for a clinic's waiting room")
# CPack puts the summary first and indents this below it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Plain-language pages about the clinic's treatments, written by staff in
Markdown, shown full screen on a touchscreen with a forgiving search.
Starts at boot under the cage Wayland compositor (clinic-kiosk.service),
watched by systemd.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # clinic-kiosk_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON) # libraries from dpkg-shlibdeps
# What no library link tells: the fonts (read at run time), the compositor
# the unit starts (cage 0.1.4 will not start without Xwayland, through which
# the kiosk draws) and seatd, which gives it the screen and input devices
# (see scripts/systemd/clinic-kiosk.service), adduser for the system user,
# and git for kiosk sync.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, cage, seatd, xwayland, fonts-dejavu-core, fonts-dejavu-extra, git")
file(WRITE ${CMAKE_BINARY_DIR}/debian/conffiles "${KIOSK_CONF_DIR}/kiosk.conf\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_BINARY_DIR}/debian/conffiles
    ${CMAKE_SOURCE_DIR}/scripts/debian/postinst
    ${CMAKE_SOURCE_DIR}/scripts/debian/prerm
    ${CMAKE_SOURCE_DIR}/scripts/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_STRIP_FILES TRUE)
include(CPack)
